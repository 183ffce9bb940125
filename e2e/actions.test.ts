import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { accessibilityProblems } from './support/axe.ts';
import { demo, type DemoUser } from './support/demoUsers.ts';
import { useScenario, textOf } from './support/scenario.ts';
import { repoRoot } from './support/huddleServer.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const VIEW = '[data-testid="view-actions"]';

/** What the screen shows from the first column on (cards off screen are not painted, by design). */
async function screenshot(page: Page, name: string): Promise<void> {
  await page
    .getByTestId('actions-column')
    .first()
    .evaluate((el) => el.scrollIntoView());
  await page.screenshot({ path: path.join(repoRoot, 'dist/e2e', name) });
}

describe('the Actions view', () => {
  const scenario = useScenario();

  async function open(user: DemoUser, boardId: string, path = ActionsPage.actionsPath(boardId)) {
    const actions = new ActionsPage((await scenario.signedIn(user, path)).page);
    await actions.waitUntilLive();
    return actions;
  }

  /**
   * A new board on which Grace (a member) adds two people on the Handover view, then three actions:
   * her own (accepted), one for Lucy that is overdue (proposed), and one for Tom (proposed).
   */
  async function boardWithActions() {
    const board = await scenario.server.createBoard(unique('E2E actions'));
    const grace = await open(demo.grace, board.id, BoardPage.path(board.id));
    const people = { ada: unique('Ada Lovell'), bert: unique('Bert Amos') };
    await grace.addPerson({ name: people.ada });
    await grace.addPerson({ name: people.bert });
    await grace.openFromNav();
    await grace.page.getByTestId('actions-empty').waitFor();
    const titles = {
      mine: unique('Falls review at home'),
      overdue: unique('Care package review'),
      toms: unique('Medication review'),
    };
    await grace.addActionCard({
      title: titles.mine,
      ownerId: demo.grace.id,
      dueDate: '2099-01-10',
      person: people.ada,
    });
    await grace.addActionCard({
      title: titles.overdue,
      ownerId: demo.lucy.id,
      dueDate: '2020-01-01',
      person: people.ada,
    });
    await grace.addActionCard({
      title: titles.toms,
      ownerId: demo.tom.id,
      dueDate: '2099-02-01',
      person: people.bert,
    });
    return { board, grace, people, titles };
  }

  it('moves cards by keyboard and by drag and drop, and another clinician sees them move live', async () => {
    const { board, grace, titles } = await boardWithActions();
    const tom = await open(demo.tom, board.id);
    await tom.card(titles.mine).waitFor();
    expect(await grace.statusOf(titles.mine)).toBe('accepted');
    expect(await grace.statusOf(titles.toms)).toBe('proposed');
    await expect.poll(textOf(grace.column('Proposed').getByTestId('column-count'))).toBe('2');

    // Keyboard: the Move button, Tab to "In progress", Enter. Focus follows the card.
    await grace.moveByKeyboard(titles.mine, 'In progress');
    await expect.poll(() => grace.statusOf(titles.mine)).toBe('in_progress');
    await expect
      .poll(() => grace.moveButton(titles.mine).evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
    await expect.poll(textOf(grace.announcement())).toBe(`${titles.mine} moved to In progress`);
    await expect.poll(() => tom.statusOf(titles.mine)).toBe('in_progress');
    await expect.poll(textOf(tom.column('In progress').getByTestId('column-count'))).toBe('1');

    // Alt and the right arrow: the next status, and the page stays where it is.
    await grace.page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => grace.statusOf(titles.mine)).toBe('blocked');
    await expect.poll(() => tom.statusOf(titles.mine)).toBe('blocked');
    expect(grace.page.url()).toContain('/actions');

    // Drag and drop onto the Done column.
    await grace.dragTo(titles.mine, 'Done');
    await expect.poll(() => grace.statusOf(titles.mine)).toBe('done');
    await expect.poll(() => tom.statusOf(titles.mine)).toBe('done');
    await expect.poll(textOf(grace.announcement())).toBe(`${titles.mine} moved to Done`);

    // Tom sees which card Grace is on.
    await grace.moveButton(titles.toms).focus();
    await expect.poll(textOf(tom.card(titles.toms).getByTestId('editors'))).toContain(demo.grace.name);

    // The owner of a proposed action sees Accept on it; Grace, who is not its owner, does not.
    expect(
      await grace
        .card(titles.toms)
        .getByRole('button', { name: /^Accept/ })
        .count(),
    ).toBe(0);
    await tom
      .card(titles.toms)
      .getByRole('button', { name: `Accept ${titles.toms}` })
      .click();
    await expect.poll(() => tom.statusOf(titles.toms)).toBe('accepted');
    await expect.poll(() => grace.statusOf(titles.toms)).toBe('accepted');

    // It stays moved after a reload.
    await grace.page.reload();
    await grace.waitUntilLive();
    await expect.poll(() => grace.statusOf(titles.mine)).toBe('done');
  });

  it('refuses to let anyone but the owner accept a proposed action, and the card stays put', async () => {
    const { grace, titles } = await boardWithActions();
    const refusal = grace.card(titles.overdue).getByRole('alert');
    await grace.dragTo(titles.overdue, 'In progress');
    await expect.poll(textOf(refusal)).toContain(`Only ${demo.lucy.name} can accept this action`);
    expect(await grace.statusOf(titles.overdue)).toBe('proposed');

    // A move that happens clears the message; Alt and the right arrow (to Accepted) is refused the same way.
    await grace.moveByKeyboard(titles.mine, 'In progress');
    await expect.poll(() => refusal.count()).toBe(0);
    await grace.moveButton(titles.overdue).focus();
    await grace.page.keyboard.press('Alt+ArrowRight');
    await expect.poll(textOf(refusal)).toContain(`Only ${demo.lucy.name} can accept this action`);
    expect(await grace.statusOf(titles.overdue)).toBe('proposed');
    expect(await grace.column('Accepted').getByTestId('action-card').count()).toBe(0);
    // The Move menu offers Grace only what she may do with Lucy's proposed action: cancel it.
    expect(await grace.moveOptions(titles.overdue)).toEqual(['Cancelled']);
    expect(await grace.moveOptions(titles.mine)).toEqual([
      'Proposed',
      'Accepted',
      'Blocked',
      'Done',
      'Cancelled',
    ]);
    // The open Move menu and the refusal on the card pass axe's WCAG 2.2 AA rules.
    expect(await accessibilityProblems(grace.page, VIEW)).toEqual([]);
    await screenshot(grace.page, 'actions-refused.png');

    // Anyone may cancel it.
    await grace.moveByKeyboard(titles.overdue, 'Cancelled');
    await expect.poll(() => grace.statusOf(titles.overdue)).toBe('cancelled');
    expect(await grace.card(titles.overdue).getByRole('alert').count()).toBe(0);
  });

  it('edits an action and shows its history with the keyboard alone', async () => {
    const { grace, titles } = await boardWithActions();
    const renamed = unique('Falls review with the OT');
    const dialog = await grace.openEdit(titles.mine);
    const title = dialog.getByLabel('Action', { exact: true });
    await expect.poll(() => title.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await title.fill(renamed);
    await title.press('Enter');
    await grace.card(renamed).waitFor();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => grace.focusIsOn(renamed, 'Edit')).toBe(true);
    await expect.poll(textOf(grace.announcement())).toBe(`${renamed} saved`);

    // Lucy's proposed action: the status offers Grace only what she may set (only Lucy can accept it).
    const lucys = await grace.openEdit(titles.overdue);
    expect(await grace.optionLabels(lucys.getByLabel('Status'))).toEqual(['Proposed', 'Cancelled']);
    await lucys.getByLabel('Status').focus();
    await grace.page.keyboard.press('Escape');
    await expect.poll(() => lucys.count()).toBe(0);
    await expect.poll(() => grace.focusIsOn(titles.overdue, 'Edit')).toBe(true);
    expect(await grace.statusOf(titles.overdue)).toBe('proposed');

    const history = await grace.openCardHistory(renamed);
    await expect.poll(() => history.getByTestId('history-entry').count()).toBeGreaterThan(0);
    await expect.poll(textOf(history)).toContain(renamed);
    await grace.page.keyboard.press('Escape');
    await expect.poll(() => history.count()).toBe(0);
    await expect.poll(() => grace.focusIsOn(renamed, 'History')).toBe(true);
  });

  it('filters to mine, overdue, an organisation or a person, and groups into swimlanes', async () => {
    const { grace, people, titles } = await boardWithActions();
    const shown = async () => (await grace.titles()).sort();
    await expect.poll(textOf(grace.summary())).toBe('Showing all 3 actions.');

    await grace.setFilter('Only mine', true);
    await expect.poll(shown).toEqual([titles.mine]);
    await expect.poll(textOf(grace.summary())).toBe('Showing 1 of 3 actions.');
    expect(grace.page.url()).toContain('mine=1');

    await grace.setFilter('Only overdue', true);
    await grace.page.getByTestId('actions-none-match').waitFor();
    await expect
      .poll(textOf(grace.page.getByTestId('actions-none-match')))
      .toContain('only actions you own, and only overdue actions');
    await grace.setFilter('Only mine', false);
    await expect.poll(shown).toEqual([titles.overdue]);
    await expect.poll(() => grace.card(titles.overdue).getByText('Overdue', { exact: true }).count()).toBe(1);

    await grace.clearFilters();
    await grace.chooseOrganisation(demo.tom.organisation);
    await expect.poll(shown).toEqual([titles.toms]);

    await grace.clearFilters();
    await grace.choosePerson(people.ada);
    await expect.poll(shown).toEqual([titles.mine, titles.overdue].sort());
    // A link to the filtered view shows the same after a reload.
    await grace.page.reload();
    await grace.waitUntilLive();
    await expect.poll(shown).toEqual([titles.mine, titles.overdue].sort());
    await expect.poll(textOf(grace.summary())).toBe('Showing 2 of 3 actions.');

    await grace.clearFilters();
    await expect.poll(shown).toHaveLength(3);
    await grace.groupBy("Owner's organisation");
    const organisations = [demo.tom.organisation, demo.grace.organisation, demo.lucy.organisation];
    await expect.poll(() => grace.laneNames()).toEqual([...organisations].sort((a, b) => a.localeCompare(b)));
    await grace.card(titles.toms, grace.lane(demo.tom.organisation)).waitFor();
    await grace.card(titles.mine, grace.lane(demo.grace.organisation)).waitFor();
    await grace.card(titles.overdue, grace.lane(demo.lucy.organisation)).waitFor();
    await expect.poll(textOf(grace.lane(demo.lucy.organisation).locator('h3'))).toContain('1 action');

    expect(await accessibilityProblems(grace.page, VIEW)).toEqual([]);
    await screenshot(grace.page, 'actions-by-organisation.png');

    await grace.groupBy('Person');
    await expect.poll(() => grace.laneNames()).toEqual([people.ada, people.bert]);
    expect(await grace.card(titles.toms, grace.lane(people.bert)).count()).toBe(1);
    expect(await grace.card(titles.mine, grace.lane(people.ada)).count()).toBe(1);
  });

  it('shows a viewer every card live, with no controls that change them', async () => {
    const { board, grace, titles } = await boardWithActions();
    const helen = await open(demo.helen, board.id);
    await helen.card(titles.mine).waitFor();
    await expect.poll(() => helen.titles().then((t) => t.length)).toBe(3);
    await helen
      .card(titles.toms)
      .getByRole('button', { name: `History of ${titles.toms}` })
      .waitFor();
    expect(await helen.changeControls().count()).toBe(0);
    expect(await helen.draggableCards().count()).toBe(0);
    expect(await helen.addActionForm().count()).toBe(0);
    expect(await grace.draggableCards().count()).toBe(3);
    expect(await accessibilityProblems(helen.page, VIEW)).toEqual([]);

    // What Grace changes reaches Helen live.
    await grace.moveByKeyboard(titles.mine, 'In progress');
    await expect.poll(() => helen.statusOf(titles.mine)).toBe('in_progress');
  });

  it('draws a long column in full once the view is open, and a link to its last card brings it into sight at once and focuses it once live', async () => {
    const board = await scenario.server.createBoard(unique('E2E long column'));
    const grace = await open(demo.grace, board.id, BoardPage.path(board.id));
    const person = unique('Ada Lovell');
    await grace.addPerson({ name: person });
    await grace.openFromNav();
    await grace.page.getByTestId('actions-empty').waitFor();
    // More proposed actions than a column draws before its first frame, the last due the latest.
    const titles = Array.from({ length: 16 }, (_, i) => unique(`Review ${String(i + 1).padStart(2, '0')}`));
    for (const [i, title] of titles.entries()) {
      await grace.addActionCard({
        title,
        ownerId: demo.tom.id,
        dueDate: `2099-01-${String(i + 1).padStart(2, '0')}`,
        person,
      });
    }
    const last = titles.at(-1)!;
    const id = await grace.card(last).getAttribute('data-action-id');

    // Tom opens a link to the last card (from My work, say) in a browser that holds nothing of the
    // board, its connection held up on the way: the card is in sight on the server's snapshot already.
    const tom = (await scenario.signedIn(demo.tom)).page;
    const held: { close(): Promise<void> }[] = [];
    let holding = true;
    await tom.routeWebSocket(/\/yjs\//, (socket) => {
      if (holding) held.push(socket);
      else socket.connectToServer();
    });
    const linked = new ActionsPage(tom);
    await tom.goto(`${ActionsPage.actionsPath(board.id)}?action=${id}`);
    await expect.poll(textOf(tom.getByTestId('board-snapshot'))).toContain('Still connecting');
    /** Whether the card's top is on screen (the page may still move a little as it loads). */
    const inSight = async (): Promise<boolean> => {
      const box = await linked.card(last).boundingBox();
      return box !== null && box.y >= 0 && box.y < (tom.viewportSize()?.height ?? 0);
    };
    await expect.poll(inSight).toBe(true);
    // Once the board is live, the card has focus (its Accept button: Tom owns it).
    holding = false;
    await Promise.all(held.map((socket) => socket.close()));
    await linked.waitUntilLive();
    const focused = tom.locator('[data-testid="action-card"]:focus-within');
    await expect
      .poll(async () => ((await focused.count()) === 1 ? focused.getAttribute('data-action-id') : null))
      .toBe(id);
    expect(await inSight()).toBe(true);
    // Every card of the column is drawn, in order of due date.
    const proposed = linked.column('Proposed');
    await expect.poll(textOf(proposed.getByTestId('column-count'))).toBe('16');
    await expect.poll(() => proposed.getByTestId('action-card').count()).toBe(16);
    const drawn = await proposed
      .getByTestId('action-card')
      .evaluateAll((cards) => cards.map((card) => card.textContent ?? ''));
    expect(titles.map((title) => drawn.findIndex((text) => text.includes(title)))).toEqual(
      titles.map((_, i) => i),
    );
  });
});
