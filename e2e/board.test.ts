import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAILTY_BOARD, FRAILTY_TEAM, demo, type DemoUser } from './support/demoUsers.ts';
import { repoRoot } from './support/huddleServer.ts';
import { useScenario, textOf } from './support/scenario.ts';
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

  it('shows each the other, and an action one adds and completes reaches the other live and survives a reload', async () => {
    const board = await scenario.server.createBoard(unique('E2E frailty MDT'));
    const boardPath = BoardPage.path(board.id);
    const priya = new BoardPage((await actor(demo.priya, boardPath)).page);
    const tom = new BoardPage((await actor(demo.tom, boardPath)).page);

    await Promise.all([priya.heading(board.name).waitFor(), tom.heading(board.name).waitFor()]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    await priya.peer(demo.tom.name).waitFor();
    await tom.peer(demo.priya.name).waitFor();
    await expect.poll(textOf(priya.peer(demo.tom.name))).toContain(demo.tom.organisation);
    await tom.page.getByTestId('actions-empty').waitFor();

    const title = unique('Home visit to review falls risk');
    await priya.addAction({
      title,
      ownerName: demo.priya.name,
      organisation: 'Riverside Community Health NHS Trust',
      dueDate: '2099-12-01',
    });
    await tom.actionRow(title).waitFor();
    await expect.poll(textOf(tom.actionStatus(title))).toBe('Proposed');
    await expect.poll(textOf(tom.actionRow(title))).toContain('Riverside Community Health NHS Trust');

    mkdirSync(path.join(repoRoot, 'dist/e2e'), { recursive: true });
    await priya.page.screenshot({ path: path.join(repoRoot, 'dist/e2e/board.png'), fullPage: true });

    await priya.completeAction(title);
    await expect.poll(textOf(priya.actionStatus(title))).toBe('Done');
    await expect.poll(textOf(tom.actionStatus(title))).toBe('Done');

    await Promise.all([priya.page.reload(), tom.page.reload()]);
    await Promise.all([priya.waitUntilLive(), tom.waitUntilLive()]);
    for (const clinician of [priya, tom]) {
      await expect.poll(textOf(clinician.actionStatus(title))).toBe('Done');
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
    await expect.poll(textOf(priya.boardItem(name))).toContain(FRAILTY_TEAM.name);
  });
});
