import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BoardMember, BoardSummary } from '#shared/boards';
import type { BoardSnapshot } from '#shared/board/snapshot';
import { FIRST_VIEW_ELEMENT_ID, type FirstViewModule } from '#shared/firstView';
import { isRefusal } from '../refusal.ts';
import { sessionTokenFrom } from '../auth/cookies.ts';
import { sessionAnswerFor } from './authRoutes.ts';
import { boardAdminFor } from './boardRoutes.ts';
import { acceptsGzip, gzipped } from './compression.ts';
import type { RouteDeps } from './deps.ts';
import { isResourceId } from './params.ts';

/**
 * The longest the page waits for its first view to be drawn (the board's answers and the drawing).
 * Longer, and the page goes as it is: the browser asks for the same answers itself (a board not
 * open on this server, say, whose document loads meanwhile).
 */
const FIRST_VIEW_WAIT_MS = 150;

/** The longest one drawing holds back the next. */
const DRAWING_LONGEST_MS = 1_000;

/** A board's pages whose first view the server draws: the board's views and a person's page. */
const BOARD_PAGE = /^\/boards\/([^/?#]+)(?:\/(?:actions|goals|pathway|people\/[^/?#]+))?\/?(?:\?.*)?$/;

/** A board page with its first view drawn, and how long the board's answers and the drawing took (ms). */
interface Drawn {
  html: string;
  answersMs: number;
  drawMs: number;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Board pages sent with their first view drawn in them (shared/firstView.ts): to someone signed in
 * who may open the board, the page holds the view as the app would draw it from the board's
 * snapshot, which `index.html` shows at once until the app has drawn the board itself. From a new
 * browser (nothing kept from an earlier visit) a board shows as soon as the page and its stylesheet
 * have come, rather than once the app's scripts have come, run, asked for the board and drawn it.
 *
 * Anything amiss (no session, no access, a slow answer, a drawing that fails) sends the page as it
 * is: the app then opens the board as it always has.
 */
export class FirstViews {
  readonly #boards;
  #module: Promise<FirstViewModule | null> | null = null;
  /** One drawing at a time: each is a few milliseconds of the event loop. */
  #drawing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: FastifyInstance,
    private readonly deps: RouteDeps,
    private readonly clientDir: string,
    private readonly firstViewDir: string,
  ) {
    this.#boards = boardAdminFor(app, deps);
    // Loaded as the server starts rather than by the first board page, which would wait for it.
    void this.#renderer();
  }

  /** The app built for the server (`dist/first-view`), if it has been built. */
  #renderer(): Promise<FirstViewModule | null> {
    this.#module ??= (async () => {
      const file = path.join(this.firstViewDir, 'firstView.js');
      if (!existsSync(file)) return null;
      return (await import(pathToFileURL(file).href)) as FirstViewModule;
    })().catch((err: unknown) => {
      this.app.log.warn({ err }, 'the first view renderer could not be loaded; board pages go without it');
      return null;
    });
    return this.#module;
  }

  /** The page as built, read each time as the static files are (a build while the server runs is taken up). */
  #indexHtml(): Promise<string> {
    return readFile(path.join(this.clientDir, 'index.html'), 'utf8');
  }

  /**
   * Sends the page for `request` with its first view drawn; false when there is none to draw (the
   * caller sends the page as it is).
   */
  async send(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    if (request.method !== 'GET') return false;
    const match = BOARD_PAGE.exec(request.url);
    const boardId = match?.[1];
    const token = sessionTokenFrom(request.headers.cookie);
    if (!boardId || !isResourceId(boardId) || !token) return false;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>(
      (resolve) => (timer = setTimeout(() => resolve(null), FIRST_VIEW_WAIT_MS)),
    );
    let page: Drawn | null;
    try {
      page = await Promise.race([this.#draw(request.url, boardId, token), late]);
    } catch (err) {
      this.app.log.warn(
        { err, boardId },
        'drawing a board page’s first view failed; the page goes without it',
      );
      page = null;
    } finally {
      clearTimeout(timer);
    }
    if (page === null) return false;
    const body = Buffer.from(page.html);
    // Someone's board: never kept by a cache on the way, nor by the browser for anyone else.
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('vary', 'Cookie, Accept-Encoding')
      // How long the board's answers and the drawing took, for the browser's developer tools.
      .header(
        'server-timing',
        `answers;dur=${page.answersMs.toFixed(1)}, draw;dur=${page.drawMs.toFixed(1)}`,
      );
    if (acceptsGzip(request)) await reply.header('content-encoding', 'gzip').send(await gzipped(body));
    else await reply.send(body);
    return true;
  }

  async #draw(url: string, boardId: string, token: string): Promise<Drawn | null> {
    const renderer = await this.#renderer();
    if (!renderer) return null;
    const started = performance.now();
    const principal = await this.deps.sessions.resolve(token);
    if (!principal || isRefusal(this.deps.policy.ready(principal))) return null;
    const [session, summary, members, snapshot, page] = await Promise.all([
      sessionAnswerFor(this.deps, principal.userId, principal.sessionEndsAt),
      this.#boards.summary(principal, boardId),
      this.#boards.members(principal, boardId),
      this.#boards.snapshot(principal, boardId),
      this.#indexHtml(),
    ]);
    if (!session || isRefusal(summary) || isRefusal(members) || isRefusal(snapshot)) return null;
    const answered = performance.now();
    let drawStarted = answered;
    const drawing = this.#drawing.then(() => {
      drawStarted = performance.now();
      return renderer.renderFirstView(url, {
        session,
        summary: summary as BoardSummary,
        members: members as BoardMember[],
        snapshot: JSON.parse(snapshot.toString('utf8')) as BoardSnapshot,
      });
    });
    // The next waits for this one, but not for ever: a drawing that never ended would hold back every
    // board page after it.
    this.#drawing = Promise.race([
      drawing.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, DRAWING_LONGEST_MS).unref()),
    ]);
    const drawn = await drawing;
    if (!drawn) return null;
    const template = `<template id="${FIRST_VIEW_ELEMENT_ID}">${drawn.html}</template>`;
    // Replaced by functions: what a board holds is never read as a replacement pattern (`$&`).
    const html = page
      .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(drawn.title)}</title>`)
      .replace('<div id="app"></div>', () => `${template}<div id="app"></div>`);
    return { html, answersMs: answered - started, drawMs: performance.now() - drawStarted };
  }
}
