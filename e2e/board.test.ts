import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, newActor, type Actor } from './support/browser.ts';
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

  async function actor(name: string): Promise<Actor> {
    const created = await newActor(browser, server.url, name);
    actors.push(created);
    return created;
  }

  it('runs against the database the environment asks for', async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { db: string };
    expect(health.db).toBe(server.database.kind);
  });

  it('shows each the other, and an action one adds and completes reaches the other live and survives a reload', async () => {
    const board = await server.createBoard(unique('E2E frailty MDT'));
    const priya = new BoardPage((await actor('Priya Nair')).page, 'Priya Nair');
    const tom = new BoardPage((await actor('Tom Okafor')).page, 'Tom Okafor');

    await Promise.all([priya.open(board.id, board.name), tom.open(board.id, board.name)]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    await priya.peer('Tom Okafor').waitFor();
    await tom.peer('Priya Nair').waitFor();
    await tom.page.getByTestId('actions-empty').waitFor();

    const title = unique('Home visit to review falls risk');
    await priya.addAction({
      title,
      ownerName: 'Priya Nair',
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

  it("shows a board created in one clinician's list in the other's without a reload", async () => {
    const priya = new BoardsPage((await actor('Priya Nair')).page);
    const tom = new BoardsPage((await actor('Tom Okafor')).page);
    await Promise.all([priya.open(), tom.open()]);
    await tom.boardLink('Riverside frailty MDT').waitFor();

    const name = unique('E2E discharge to assess');
    await priya.createBoard(name);
    await priya.page
      .getByRole('heading', { level: 1, name, exact: true })
      .or(priya.page.getByLabel('Your name'))
      .waitFor();
    await tom.boardLink(name).waitFor();
    expect(await tom.boardLink(name).count()).toBe(1);
  });
});
