import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Piscina } from 'piscina';
import type { BoardMember, BoardSummary } from '#shared/boards';
import {
  DRAWN_PAGE,
  FIRST_VIEW_ELEMENT_ID,
  type DrawnFirstView,
  type FirstViewTask,
} from '#shared/firstView';
import { isRefusal } from '../refusal.ts';
import { sessionTokenFrom } from '../auth/cookies.ts';
import { sessionAnswerFor } from './authRoutes.ts';
import { boardAdminFor } from './boardRoutes.ts';
import { acceptsGzip, gzipped } from './compression.ts';
import type { RouteDeps } from './deps.ts';
import { isResourceId } from './params.ts';
import { RequestWindow } from '../limits/requestWindow.ts';
import type { Principal } from '../access/principal.ts';

/**
 * The longest the page waits for its first view to be drawn (the board's answers and the drawing),
 * for a board this server has yet to load: longer, and the page goes as it is, and the browser asks
 * for the same answers itself (a large board takes hundreds of milliseconds to load, meanwhile).
 */
export const FIRST_VIEW_WAIT_MS = 150;

/**
 * The same for a board open on this server, whose answers are at hand: only the drawing is waited
 * for (on a slow or busy machine, a large board's takes more than 100 ms). The app's own first view
 * from a new browser comes later than this even on loopback (README, "Board"), so a drawing that
 * comes in time is never the slower way.
 */
export const OPEN_BOARD_WAIT_MS = 400;

/**
 * The longest a drawing may take: one that takes longer (a fault in it) has its worker thread ended,
 * and a new one takes its place.
 */
const DRAWING_LONGEST_MS = 2_000;

/** The longest shutting down waits for the drawing thread to load the app (see `FirstViews`). */
const APP_LOAD_LONGEST_MS = 5_000;

/**
 * A page the drawing thread does not draw (not a board's), asked for to have it load the app: it
 * answers null before reading the answers.
 */
const NOT_DRAWN: FirstViewTask = {
  url: '/',
  answers: {} as FirstViewTask['answers'],
  snapshotJson: 'null',
};

/** Pages waiting for the drawing thread, at most: a page beyond them goes as it is at once. */
const DRAWINGS_WAITING = 8;

/**
 * Board pages drawn for one person in a minute, at most (and one at a time), as the REST API's
 * snapshots are limited (http/boardRoutes.ts): a page reloaded in a loop goes as it is, and the
 * board's snapshot (which may load the board) is not made for it.
 */
const DRAWINGS_PER_MINUTE = 30;

/**
 * A board page with its first view drawn, and how long the board's answers and the drawing took (ms;
 * the drawing's time includes any wait for the drawing thread).
 */
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
  /**
   * The drawing's own thread (Piscina, a pool of one): drawing a large board's page takes tens of
   * milliseconds, which on the event loop every board's sync shares would hold up everyone's edits.
   */
  readonly #pool: Piscina<FirstViewTask, DrawnFirstView | null> | null;
  readonly #perPerson = new RequestWindow(DRAWINGS_PER_MINUTE, 60_000);
  /** Settles once the drawing thread has loaded the app (`#loadApp`). */
  #appLoaded: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: FastifyInstance,
    private readonly deps: RouteDeps,
    private readonly clientDir: string,
    firstViewDir: string | null,
  ) {
    this.#boards = boardAdminFor(app, deps);
    // The app built for the server (`dist/first-view`), if it has been built: its thread starts with
    // the server, rather than with the first board page, which would wait for it.
    const file = firstViewDir && path.join(firstViewDir, 'firstView.js');
    this.#pool =
      file && existsSync(file)
        ? new Piscina({
            filename: pathToFileURL(file).href,
            minThreads: 1,
            maxThreads: 1,
            idleTimeout: Infinity,
            maxQueue: DRAWINGS_WAITING,
          })
        : null;
    this.#pool?.on('error', (err: unknown) =>
      this.app.log.warn({ err }, 'the first views’ drawing thread failed; another takes its place'),
    );
    this.#loadApp();
    app.addHook('onClose', async () => {
      // A thread ended while it loads the app aborts the whole process (Node 20 loads an ES module
      // that Piscina requires synchronously, and V8 fails fatally when that is cut short), so the pool
      // is ended once the app has loaded: on a busy machine that can take seconds after the start.
      await Promise.race([this.#appLoaded, sleep(APP_LOAD_LONGEST_MS, undefined, { ref: false })]);
      await this.#pool?.destroy();
    });
  }

  /**
   * Has the drawing thread load the app now, by asking it for a page it does not draw, and notes when
   * it has: as the server starts, and after a thread is ended and replaced (a drawing that took too
   * long), whose replacement loads it again.
   */
  #loadApp(): void {
    if (!this.#pool) return;
    this.#appLoaded = this.#pool.run(NOT_DRAWN).catch(() => null);
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
    const match = DRAWN_PAGE.exec(request.url);
    const boardId = match?.[1];
    const token = sessionTokenFrom(request.headers.cookie);
    if (!boardId || !isResourceId(boardId) || !token) return false;
    const wait = this.deps.boardOpen(boardId) ? OPEN_BOARD_WAIT_MS : FIRST_VIEW_WAIT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), wait)));
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
    const pool = this.#pool;
    if (!pool || pool.queueSize >= DRAWINGS_WAITING) return null;
    const started = performance.now();
    const principal = await this.deps.sessions.resolve(token);
    if (!principal || isRefusal(this.deps.policy.ready(principal))) return null;
    const drawn = await this.#perPerson.run(principal.userId, () =>
      this.#drawFor(principal, pool, url, boardId, started),
    );
    return drawn === 'busy' || drawn === 'too-many' ? null : drawn;
  }

  async #drawFor(
    principal: Principal,
    pool: Piscina<FirstViewTask, DrawnFirstView | null>,
    url: string,
    boardId: string,
    started: number,
  ): Promise<Drawn | null> {
    const [session, summary, members, snapshot, page] = await Promise.all([
      sessionAnswerFor(this.deps, principal.userId, principal.sessionEndsAt),
      this.#boards.summary(principal, boardId),
      this.#boards.members(principal, boardId),
      this.#boards.snapshot(principal, boardId),
      this.#indexHtml(),
    ]);
    if (!session || isRefusal(summary) || isRefusal(members) || isRefusal(snapshot)) return null;
    const answered = performance.now();
    const drawn = await pool
      .run(
        {
          url,
          answers: { session, summary: summary as BoardSummary, members: members as BoardMember[] },
          snapshotJson: snapshot.toString('utf8'),
        },
        { signal: AbortSignal.timeout(DRAWING_LONGEST_MS) },
      )
      .catch((err: unknown) => {
        this.#loadApp();
        throw err;
      });
    if (!drawn) return null;
    const template = `<template id="${FIRST_VIEW_ELEMENT_ID}">${drawn.html}</template>`;
    // Replaced by functions: what a board holds is never read as a replacement pattern (`$&`).
    // `data-first-view` tells the page's head that a board will be drawn: it asks for the app's scripts
    // once that is on screen (vite.config.ts, appAfterFirstPaint).
    const html = page
      .replace(/<html([^>]*)>/, (_, attributes: string) => `<html${attributes} data-first-view>`)
      .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(drawn.title)}</title>`)
      .replace('<div id="app"></div>', () => `${template}<div id="app"></div>`);
    return { html, answersMs: answered - started, drawMs: performance.now() - answered };
  }
}
