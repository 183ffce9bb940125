import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAILTY_BOARD, FRAILTY_TEAM, demo, type DemoUser } from './support/demoUsers.ts';
import { repoRoot } from './support/huddleServer.ts';
import { useScenario, textOf } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { BoardsPage } from './support/pages/BoardsPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('a board shared by two clinicians', () => {
  const scenario = useScenario();
  const actor = (user: DemoUser, startPath = '/') => scenario.signedIn(user, startPath);

  it('runs against the database the environment asks for', async () => {
    const health = (await (await fetch(`${scenario.server.url}/healthz`)).json()) as { db: string };
    expect(health.db).toBe(scenario.server.database.kind);
  });

  it('sends a first visit the page, its scripts and its styles compressed: about a quarter of their size over the air', async () => {
    const { page } = await scenario.visitor('A first visit');
    const response = await page.goto(BoardPage.path(FRAILTY_BOARD.id));
    expect(await response?.headerValue('content-encoding')).toBe('br');
    await page.getByRole('heading', { name: 'Sign in to Huddle' }).waitFor();
    const files = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map(
          (entry) => entry as unknown as { name: string; encodedBodySize: number; decodedBodySize: number },
        )
        .filter(
          (entry) => new URL(entry.name).pathname.startsWith('/assets/') && /\.(js|css)$/.test(entry.name),
        )
        .map((entry) => ({
          name: entry.name,
          encoded: entry.encodedBodySize,
          decoded: entry.decodedBodySize,
        })),
    );
    expect(files.filter((file) => file.name.endsWith('.css'))).not.toEqual([]);
    expect(files.length).toBeGreaterThan(5);
    // Each file worth compressing came compressed (a tiny one may not be).
    expect(files.filter((file) => file.decoded > 2048 && file.encoded >= file.decoded * 0.6)).toEqual([]);
    const sum = (key: 'encoded' | 'decoded') => files.reduce((total, file) => total + file[key], 0);
    expect(sum('encoded')).toBeLessThan(sum('decoded') / 3);
  });

  it('fits every view of a full board to the screen: the page never scrolls sideways, columns scroll in their own area', async () => {
    const grace = (await actor(demo.grace, BoardPage.path(FRAILTY_BOARD.id))).page;
    const board = new BoardPage(grace);
    const sideways = () => board.sidewaysScroll();
    // Each view of the demo board, and something on it that only shows once the board is read.
    const views = [
      { path: '', content: grace.getByTestId('handover-person') },
      { path: '/actions', content: grace.getByTestId('action-card') },
      { path: '/pathway', content: grace.getByTestId('pathway-card') },
      { path: '/goals', content: grace.getByTestId('goals-person') },
    ];
    for (const { path: view, content } of views) {
      await grace.goto(`${BoardPage.path(FRAILTY_BOARD.id)}${view}`);
      await content.first().waitFor();
      for (const width of [1280, 1024, 400]) {
        await grace.setViewportSize({ width, height: 900 });
        await expect
          .poll(sideways, { message: `${view || 'handover'} at ${width}px wide`, timeout: 10_000 })
          .toBe(0);
      }
      await grace.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows each the other, and an action one proposes and the other accepts and completes reaches both live and survives a reload', async () => {
    const board = await scenario.server.createBoard(unique('E2E frailty MDT'));
    const boardPath = BoardPage.path(board.id);
    const priya = new ActionsPage((await actor(demo.priya, boardPath)).page);
    const tom = new ActionsPage((await actor(demo.tom, boardPath)).page);

    await Promise.all([priya.heading(board.name).waitFor(), tom.heading(board.name).waitFor()]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    await priya.peer(demo.tom.name).waitFor();
    await tom.peer(demo.priya.name).waitFor();
    await expect.poll(textOf(priya.peer(demo.tom.name))).toContain(demo.tom.organisation);
    await tom.page.getByTestId('handover-empty').waitFor();

    const person = unique('Margaret Ellis');
    await priya.addPerson({ name: person });
    await Promise.all([priya.openFromNav(), tom.openFromNav()]);
    const title = unique('Home visit to review falls risk');
    await priya.addActionCard({ title, ownerId: demo.tom.id, dueDate: '2099-12-01', person });
    await tom.card(title).waitFor();
    await expect.poll(() => tom.statusOf(title)).toBe('proposed');
    await expect.poll(textOf(tom.card(title))).toContain(demo.tom.organisation);

    mkdirSync(path.join(repoRoot, 'dist/e2e'), { recursive: true });
    await priya.page.screenshot({ path: path.join(repoRoot, 'dist/e2e/board.png') });

    await tom
      .card(title)
      .getByRole('button', { name: `Accept ${title}` })
      .click();
    await tom.moveByKeyboard(title, 'Done');
    await expect.poll(() => tom.statusOf(title)).toBe('done');
    await expect.poll(() => priya.statusOf(title)).toBe('done');

    await Promise.all([priya.page.reload(), tom.page.reload()]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    for (const clinician of [priya, tom]) {
      await expect.poll(() => clinician.statusOf(title)).toBe('done');
      await expect.poll(() => clinician.card(title).count()).toBe(1);
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
    await expect.poll(textOf(priya.boardItem(name))).toContain(FRAILTY_TEAM.name);
  });
});
