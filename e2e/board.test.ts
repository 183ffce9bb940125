import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { signedInActor } from './support/actors.ts';
import { launchChromium, type Actor } from './support/browser.ts';
import { FRAILTY_BOARD, FRAILTY_TEAM, demo, type DemoUser } from './support/demoUsers.ts';
import { repoRoot, startHuddleServer, type HuddleServer } from './support/huddleServer.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { BoardsPage } from './support/pages/BoardsPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const text = (locator: { textContent(): Promise<string | null> }) => async () =>
  (await locator.textContent())?.trim();

describe('a board shared by two clinicians', () => {
  let server: HuddleServer;
  let browser: Browser;
  const actors: Actor[] = [];

  beforeAll(async () => {
    server = await startHuddleServer();
    browser = await launchChromium();
  });

  afterEach(async () => {
    await Promise.all(actors.splice(0).map((actor) => actor.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function actor(user: DemoUser, startPath = '/'): Promise<Actor> {
    const created = await signedInActor(browser, server.url, user, startPath);
    actors.push(created);
    return created;
  }

  it('runs against the database the environment asks for', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { db: string };
    expect(health.db).toBe(server.database.kind);
  });

  it('shows each the other, and an action one adds and completes reaches the other live and survives a reload', async () => {
    const board = await server.createBoard(unique('E2E frailty MDT'));
    const boardPath = BoardPage.path(board.id);
    const priya = new BoardPage((await actor(demo.priya, boardPath)).page);
    const tom = new BoardPage((await actor(demo.tom, boardPath)).page);

    await Promise.all([priya.heading(board.name).waitFor(), tom.heading(board.name).waitFor()]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    await priya.peer(demo.tom.name).waitFor();
    await tom.peer(demo.priya.name).waitFor();
    await expect.poll(text(priya.peer(demo.tom.name))).toContain(demo.tom.organisation);
    await tom.page.getByTestId('actions-empty').waitFor();

    const title = unique('Home visit to review falls risk');
    await priya.addAction({
      title,
      ownerName: demo.priya.name,
      organisation: 'Riverside Community Health NHS Trust',
      dueDate: '2099-12-01',
    });
    await tom.actionRow(title).waitFor();
    await expect.poll(text(tom.actionStatus(title))).toBe('Proposed');
    await expect.poll(text(tom.actionRow(title))).toContain('Riverside Community Health NHS Trust');

    mkdirSync(path.join(repoRoot, 'dist/e2e'), { recursive: true });
    await priya.page.screenshot({ path: path.join(repoRoot, 'dist/e2e/board.png'), fullPage: true });

    await priya.completeAction(title);
    await expect.poll(text(priya.actionStatus(title))).toBe('Done');
    await expect.poll(text(tom.actionStatus(title))).toBe('Done');

    await Promise.all([priya.page.reload(), tom.page.reload()]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    for (const clinician of [priya, tom]) {
      await expect.poll(text(clinician.actionStatus(title))).toBe('Done');
      await expect.poll(() => clinician.actionRow(title).count()).toBe(1);
    }
  });

  it("shows a board a facilitator creates in a team member's list without a reload", async () => {
    const tom = new BoardsPage((await actor(demo.tom)).page);
    const priya = new BoardsPage((await actor(demo.priya)).page);
    await Promise.all([
      tom.boardLink(FRAILTY_BOARD.name).waitFor(),
      priya.boardLink(FRAILTY_BOARD.name).waitFor(),
    ]);

    const name = unique('E2E discharge to assess');
    await tom.createBoard(name);
    await tom.page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    await priya.boardLink(name).waitFor();
    expect(await priya.boardLink(name).count()).toBe(1);
    await expect.poll(text(priya.boardItem(name))).toContain(FRAILTY_TEAM.name);
  });
});
