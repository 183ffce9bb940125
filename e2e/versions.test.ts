import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessibilityProblems } from './support/axe.ts';
import { demo } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { repoRoot } from './support/huddleServer.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('versions of a board', () => {
  const scenario = useScenario();

  it('a nurse saves “Handover 1 Dec”; after a colleague’s changes she opens it and sees the board as it was, in every view', async () => {
    const board = await scenario.server.createBoard(unique('E2E versions'));
    const [grace, tom] = await Promise.all(
      [demo.grace, demo.tom].map(
        async (user) => new HandoverPage((await scenario.signedIn(user, BoardPage.path(board.id))).page),
      ),
    );
    await Promise.all([grace!.waitUntilLive(), tom!.waitUntilLive()]);
    const ada = unique('Ada Lovell');
    const bert = unique('Bert Amos');
    await grace!.addPerson({ name: ada, risk: 'red', riskReason: 'Two falls this month' });
    await grace!.addPerson({ name: bert });
    await grace!.expand(ada);
    await grace!.sharedText(ada, 'Situation').fill('Found on the floor by her carer at 7am.');

    // Saved at the end of the handover, from the History view.
    await grace!.goTo('History');
    expect(await grace!.page.getByTestId('no-versions').textContent()).toContain(
      'Save one at the end of a handover',
    );
    const name = grace!.page.getByLabel('Name of the version');
    await name.fill('Handover 1 Dec');
    await grace!.page.getByRole('button', { name: 'Save version' }).click();
    await expect.poll(textOf(grace!.page.getByTestId('version-saved'))).toBe('Saved “Handover 1 Dec”.');
    const listed = grace!.page.getByTestId('version').filter({ hasText: 'Handover 1 Dec' });
    await expect.poll(textOf(listed)).toContain(`Saved by ${demo.grace.name}`);
    expect(await accessibilityProblems(grace!.page)).toEqual([]);
    await grace!.page.screenshot({ path: path.join(repoRoot, 'dist/e2e', 'versions-history.png') });

    // Tom changes both people afterwards.
    await tom!.person(ada).waitFor();
    await tom!.expand(ada);
    const situation = tom!.sharedText(ada, 'Situation');
    await expect.poll(() => situation.inputValue()).toBe('Found on the floor by her carer at 7am.');
    await situation.focus();
    await tom!.page.keyboard.press('End');
    await tom!.page.keyboard.type(' GP visited at noon.');
    await tom!.expand(bert);
    await tom!.sharedText(bert, 'What matters to me').fill('Getting back to the allotment');

    // Grace opens the version: the board as it was, read-only, clearly marked, in every view.
    await listed.getByRole('link', { name: 'Handover 1 Dec', exact: true }).click();
    const banner = grace!.page.getByTestId('version-banner');
    await expect.poll(textOf(banner)).toContain('Past version: Handover 1 Dec');
    expect(await banner.textContent()).toContain('Nothing here can be changed');
    await grace!.view().waitFor();
    const panel = await grace!.expand(ada);
    await expect
      .poll(textOf(grace!.readOnlyText('Situation', panel)))
      .toBe('Found on the floor by her carer at 7am.');
    expect(await grace!.addPersonControl().count()).toBe(0);
    await grace!.page.screenshot({ path: path.join(repoRoot, 'dist/e2e', 'versions-past.png') });
    expect(await accessibilityProblems(grace!.page)).toEqual([]);
    await grace!.goTo('Actions');
    await expect.poll(textOf(banner)).toContain('Past version: Handover 1 Dec');
    expect(grace!.page.url()).toContain('version=');
    await grace!.goTo('Pathway');
    await expect.poll(textOf(banner)).toContain('Past version: Handover 1 Dec');

    // And back to now: Tom's changes, live, and editable again.
    await grace!.page.getByTestId('back-to-now').click();
    await expect.poll(() => banner.count()).toBe(0);
    expect(grace!.page.url()).not.toContain('version=');
    await grace!.goTo('Handover');
    await grace!.expand(ada);
    await expect
      .poll(() => grace!.sharedText(ada, 'Situation').inputValue())
      .toBe('Found on the floor by her carer at 7am. GP visited at noon.');

    // An address naming no version of the board says so, with the way back.
    await grace!.page.goto(`${scenario.server.url}${BoardPage.path(board.id)}?version=999999`);
    await expect.poll(textOf(banner)).toContain('There is no version with that id on this board');
    await grace!.page.getByTestId('back-to-now').click();
    await grace!.view().waitFor();
    await grace!.person(ada).waitFor();
  });

  it('Handover 1 Dec: a colleague changes two people; the nurse sees them marked, reads what changed, restores one action and then the whole board, live for the colleague', async () => {
    const board = await scenario.server.createBoard(unique('E2E handover 1 Dec'));
    const grace = new HandoverPage((await scenario.signedIn(demo.grace, BoardPage.path(board.id))).page);
    const tom = new ActionsPage((await scenario.signedIn(demo.tom, ActionsPage.actionsPath(board.id))).page);
    await Promise.all([grace.waitUntilLive(), tom.waitUntilLive()]);
    const ada = unique('Ada Lovell');
    const bert = unique('Bert Amos');
    const visit = unique('Home visit to fit a pendant alarm');
    await grace.addPerson({ name: ada, risk: 'red', riskReason: 'Two falls this month' });
    await grace.addPerson({ name: bert });
    await grace.expand(ada);
    await grace.sharedText(ada, 'Situation').fill('Found on the floor by her carer at 7am.');
    await grace.quickAddAction(ada, { title: visit, owner: demo.grace.name, dueDate: '2099-01-10' });
    await grace.goTo('History');
    await grace.page.getByLabel('Name of the version').fill('Handover 1 Dec');
    await grace.page.getByRole('button', { name: 'Save version' }).click();
    await expect.poll(textOf(grace.page.getByTestId('version-saved'))).toBe('Saved “Handover 1 Dec”.');
    await grace.goTo('Handover');

    // Tom, after the handover: renames Ada's action, adds to her situation, writes what matters to Bert.
    await tom.card(visit).waitFor();
    const edit = await tom.openEdit(visit);
    const renamed = unique('Pendant alarm not wanted');
    await edit.getByLabel('Action', { exact: true }).fill(renamed);
    await edit.getByLabel('Action', { exact: true }).press('Enter');
    await tom.card(renamed).waitFor();
    const tomsHandover = new HandoverPage(tom.page);
    await tom.goTo('Handover');
    await tomsHandover.expand(ada);
    const situation = tomsHandover.sharedText(ada, 'Situation');
    await situation.focus();
    await tom.page.keyboard.press('End');
    await tom.page.keyboard.type(' GP visited at noon.');
    await tomsHandover.expand(bert);
    await tomsHandover.sharedText(bert, 'What matters to me').fill('Getting back to the allotment');

    // Grace's handover marks both, and says who last changed Ada's situation.
    for (const name of [ada, bert])
      await expect
        .poll(textOf(grace.person(name).getByTestId('changed-since')))
        .toContain('Changed since Handover 1 Dec');
    await grace.expand(ada);
    await expect
      .poll(textOf(grace.panel(ada).getByTestId('text-last-changed').first()), { timeout: 15_000 })
      .toContain(`Last changed by ${demo.tom.name}`);
    await grace
      .person(ada)
      .getByRole('link', { name: `What changed for ${ada}` })
      .click();
    const adaChanges = grace.page.getByTestId('changes-person').filter({ hasText: ada });
    await expect.poll(textOf(adaChanges)).toContain('SBAR: Situation changed');
    const adaText = await adaChanges.textContent();
    expect(adaText).toContain(`by ${demo.tom.name}`);
    expect(adaText).toMatch(/Put in:\s+GP visited at noon\./);
    expect(adaText).toContain(`Action renamed: “${visit}” to “${renamed}”`);
    expect(await grace.page.getByTestId('changes-person').count()).toBe(2);
    expect(await accessibilityProblems(grace.page)).toEqual([]);

    // She opens the version and restores the action: Tom sees its old name come back, live.
    await grace.page.getByRole('link', { name: 'Back to the history' }).click();
    await grace.page
      .getByTestId('version')
      .filter({ hasText: 'Handover 1 Dec' })
      .getByRole('link', { name: 'Handover 1 Dec', exact: true })
      .click();
    await grace.page.getByTestId('version-banner').waitFor();
    const past = await grace.expand(ada);
    const action = past.getByTestId('person-action').filter({ hasText: visit });
    await action.getByRole('button', { name: `Restore “${visit}”` }).click();
    await expect
      .poll(textOf(action.getByTestId('restore-message')))
      .toContain('Everyone on the board sees it now');
    await tom.goTo('Actions');
    await tom.card(visit).waitFor();
    expect(await tom.card(renamed).count()).toBe(0);
    // The action's history says it was restored, from which version, by whom.
    const history = await tom.openCardHistory(visit);
    await expect.poll(textOf(history)).toContain('Restored from a version');
    expect(await history.textContent()).toContain('As in “Handover 1 Dec”');
    await tom.page.keyboard.press('Escape');

    // Then the whole board, after saying what will change.
    await grace.page.getByTestId('restore-board').click();
    const dialog = grace.page.getByTestId('restore-board-dialog');
    await expect.poll(textOf(dialog)).toContain('Restore the whole board to “Handover 1 Dec”?');
    const listed = await dialog.getByTestId('restore-board-changes').textContent();
    expect(listed).toContain(`${ada}: SBAR: Situation changed`);
    expect(listed).toContain(`${bert}: What matters to me changed`);
    expect(listed).not.toContain(visit);
    expect(await accessibilityProblems(grace.page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Restore the board' }).click();
    await expect
      .poll(textOf(grace.page.getByTestId('restore-board-message')))
      .toContain('2 records restored');
    await tom.goTo('Handover');
    await tomsHandover.expand(ada);
    await expect
      .poll(() => tomsHandover.sharedText(ada, 'Situation').inputValue())
      .toBe('Found on the floor by her carer at 7am.');
    await tomsHandover.expand(bert);
    await expect.poll(() => tomsHandover.sharedText(bert, 'What matters to me').inputValue()).toBe('');
  });
});
