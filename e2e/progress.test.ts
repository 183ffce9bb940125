import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { todayIsoDate } from '#shared/board/record';
import { seriousAccessibilityProblems } from './support/axe.ts';
import { demo } from './support/demoUsers.ts';
import { useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { ProgressPage } from './support/pages/ProgressPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const ELM_TREE = 'Elm Tree Medical Practice';

describe('Progress', () => {
  const scenario = useScenario();

  it('shows the manager twelve weeks of the demo, filtered to one organisation, its overdue actions listed and downloaded as CSV, with no serious accessibility problems', async () => {
    const progress = new ProgressPage((await scenario.signedIn(demo.mark, ProgressPage.path)).page);
    await progress.ready();
    // The demo's history: actions opened and completed over the last twelve weeks, every week shown.
    await progress.choose('Period', 'Last 12 weeks');
    await expect.poll(() => new URL(progress.page.url()).searchParams.get('period')).toBe('12w');
    await expect.poll(() => progress.valueOf('completed')).toBeGreaterThan(10);
    expect(
      await progress.page
        .getByRole('table', { name: /Actions and people each week/ })
        .locator('tbody tr')
        .count(),
    ).toBeGreaterThanOrEqual(12);
    expect(await seriousAccessibilityProblems(progress.page)).toEqual([]);

    // The weekly chart read by keyboard, week by week, as the table has it.
    const weekRows = progress.page
      .getByRole('table', { name: /Actions and people each week/ })
      .locator('tbody tr');
    // The table's week as it reads now: other tests add actions on the shared server meanwhile, and the
    // page counts again as they do, so the chart is compared with the table as both stand.
    const tableReads = async (row: number) => {
      const [week, opened, completed] = (await weekRows.nth(row).locator('th, td').allInnerTexts()).map(
        (cell) => cell.trim(),
      );
      return `Week starting ${week}: ${opened} opened, ${completed} completed`;
    };
    const chartMatchesTable = async (row: number) => {
      const [before, chartSays, after] = [
        await tableReads(row),
        await reading.innerText(),
        await tableReads(row),
      ];
      return before === after && chartSays === before ? true : `${chartSays} / ${before}`;
    };
    const chart = progress.page.getByRole('group', {
      name: 'Actions opened and completed each week, point by point',
    });
    const reading = chart.getByTestId('progress-chart-reading');
    await chart.focus();
    await expect.poll(() => reading.innerText()).toContain('arrow keys');
    await progress.page.keyboard.press('End');
    await expect.poll(() => chartMatchesTable(-1)).toBe(true);
    await progress.page.keyboard.press('ArrowLeft');
    await expect.poll(() => chartMatchesTable(-2)).toBe(true);
    expect(await seriousAccessibilityProblems(progress.page)).toEqual([]);
    // The week read is marked on the drawing by a line down it, gone when Escape stops the reading. The
    // reading is taken again first: while axe ran, other tests' changes may have had the page count
    // again, and a week the new figures do not have starts the reading afresh (and takes its line away).
    const rules = chart.locator('svg g[aria-label="rule"] line');
    await progress.page.keyboard.press('End');
    await expect.poll(() => chartMatchesTable(-1)).toBe(true);
    const marked = await rules.count();
    await progress.page.keyboard.press('Escape');
    await expect.poll(() => reading.innerText()).toContain('arrow keys');
    await expect.poll(() => rules.count()).toBe(marked - 1);

    // One organisation: the address keeps it, and its overdue actions are listed, each its own.
    await progress.choose("Owner's organisation", ELM_TREE);
    await expect
      .poll(() => new URL(progress.page.url()).searchParams.get('organisation'))
      .toBe('elm-tree-practice');
    await expect.poll(() => progress.valueOf('overdue')).toBeGreaterThan(0);
    const overdue = await progress.valueOf('overdue');
    await progress.listOf('overdue');
    expect(new URL(progress.page.url()).searchParams.get('list')).toBe('overdue');
    await expect.poll(() => progress.items().count()).toBe(overdue);
    for (const text of await progress.items().allInnerTexts()) expect(text).toContain(ELM_TREE);
    expect(await seriousAccessibilityProblems(progress.page)).toEqual([]);

    // The list as CSV: a header, then one row per action listed, its organisation beside it.
    const titles = await progress.itemTitles();
    const [download] = await Promise.all([
      progress.page.waitForEvent('download'),
      progress.page.getByRole('button', { name: 'Download this list as CSV' }).click(),
    ]);
    const saved = path.join(
      mkdtempSync(path.join(tmpdir(), 'huddle-progress-')),
      download.suggestedFilename(),
    );
    await download.saveAs(saved);
    const lines = readFileSync(saved, 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('\uFEFFBoard,Record,Title,Person,Status,Due,Owner,Organisation,Stage,When');
    expect(lines).toHaveLength(titles.length + 1);
    for (const title of titles)
      expect(lines.some((line) => line.includes(title) && line.includes(ELM_TREE))).toBe(true);

    // The link back keeps the period and the organisation; a reload shows the same list.
    await progress.page.reload();
    await expect.poll(() => progress.items().count()).toBe(overdue);
    await progress.page.getByRole('link', { name: 'All the figures' }).click();
    await progress.ready();
    expect(Object.fromEntries(new URL(progress.page.url()).searchParams)).toEqual({
      period: '12w',
      organisation: 'elm-tree-practice',
    });
  });

  it('moves the completed figure live when an action is completed on a board, and keeps the page from members who do not facilitate', async () => {
    const board = await scenario.server.createBoard(unique('E2E progress'));
    const grace = new ActionsPage((await scenario.signedIn(demo.grace, BoardPage.path(board.id))).page);
    await grace.waitUntilLive();
    const person = unique('Edna Price');
    await grace.addPerson({ name: person });
    await grace.openFromNav();
    const title = unique('Falls assessment');
    await grace.addActionCard({ title, ownerId: demo.grace.id, dueDate: '2099-01-31', person });

    const progress = new ProgressPage(
      (await scenario.signedIn(demo.mark, `${ProgressPage.path}?board=${board.id}`)).page,
    );
    await progress.ready();
    // Once the page follows changes, a change it is told of moves it.
    await expect
      .poll(() => progress.page.getByTestId('progress-live').innerText())
      .toContain('Changes on the boards show here');
    expect(await progress.valueOf('opened')).toBe(1);
    expect(await progress.valueOf('completed')).toBe(0);

    // The manager reads the weekly chart by keyboard, at this week.
    const chart = progress.page.getByRole('group', {
      name: 'Actions opened and completed each week, point by point',
    });
    const reading = chart.getByTestId('progress-chart-reading');
    await chart.focus();
    await progress.page.keyboard.press('End');
    await expect.poll(() => reading.innerText()).toMatch(/^Week starting .+: 1 opened, 0 completed$/);

    // Grace completes it on the board; the manager's figure moves without a reload, and the reading
    // stays at the week it was at, with the week's new figure.
    await grace.moveByKeyboard(title, 'Done');
    await expect.poll(() => progress.valueOf('completed'), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => reading.innerText()).toMatch(/^Week starting .+: 1 opened, 1 completed$/);
    await progress.listOf('completed');
    expect(await progress.itemTitles()).toEqual([title]);
    expect(await progress.items().first().innerText()).toContain(todayIsoDate().slice(0, 4));

    // A member who facilitates no team, and a viewer, are turned away, as from any page not theirs.
    for (const user of [demo.grace, demo.helen]) {
      const actor = await scenario.signedIn(user, ProgressPage.path);
      await actor.page.getByRole('heading', { name: 'You do not have access to this page' }).waitFor();
      expect(await actor.page.getByRole('link', { name: 'Progress' }).count()).toBe(0);
    }
  });
});
