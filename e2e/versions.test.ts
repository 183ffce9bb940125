import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { accessibilityProblems } from './support/axe.ts';
import { demo } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
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
    await listed.getByRole('link', { name: 'Handover 1 Dec' }).click();
    const banner = grace!.page.getByTestId('version-banner');
    await expect.poll(textOf(banner)).toContain('Past version: Handover 1 Dec');
    expect(await banner.textContent()).toContain('nothing can be changed here');
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
  });
});
