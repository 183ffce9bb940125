import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectClient } from '../server/test/support/clients.ts';
import { demo } from './support/demoUsers.ts';
import { accessibilityProblems } from './support/axe.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { PathwayPage } from './support/pages/PathwayPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('a change the server does not keep', () => {
  const scenario = useScenario();

  it('is put back on the screen of the clinician who made it, who is told why, and never reaches anyone else', async () => {
    const board = await scenario.server.createBoard(unique('E2E refused change'));
    const name = unique('Edith Clarke');
    const seeder = connectClient(scenario.server.url, board.id, {
      cookie: await scenario.server.signIn(demo.grace.email),
    });
    await seeder.synced();
    const identified = seeder.board.readPathwayStages().find((s) => s.ok && s.value.name === 'Identified')!;
    const person = seeder.board.addPerson({ name }, { by: { id: demo.grace.id, name: demo.grace.name } });
    seeder.board.movePersonToStage(person.id, identified.id, {
      by: { id: demo.grace.id, name: demo.grace.name },
    });
    const grace = new PathwayPage((await scenario.signedIn(demo.grace, PathwayPage.path(board.id))).page);
    const tom = new PathwayPage((await scenario.signedIn(demo.tom, PathwayPage.path(board.id))).page);
    await Promise.all([grace.board.waitUntilLive(), tom.board.waitUntilLive()]);
    await expect.poll(() => grace.namesIn('Identified')).toEqual([name]);
    seeder.destroy();

    // Grace, with no signal, moves Edith on to Review; meanwhile Tom removes Review, empty as he sees it.
    const context = grace.page.context();
    await context.setOffline(true);
    await expect.poll(textOf(grace.board.connectionState())).toBe('Offline');
    await grace.moveByKeyboard(name, 'Review');
    await expect.poll(() => grace.namesIn('Review')).toEqual([name]);
    await tom.openSettings();
    await tom.removeStage('Review');
    await expect.poll(() => tom.columnNames()).not.toContain('Review');

    // Back online: her move cannot be kept, so Edith is back where she was, and Grace is told why.
    await context.setOffline(false);
    await grace.board.waitUntilLive();
    const notice = grace.page.getByTestId('refused-changes');
    await expect
      .poll(textOf(notice))
      .toContain(`The person “${name}”: That pathway stage is no longer on this board`);
    await expect.poll(() => grace.namesIn('Identified')).toEqual([name]);
    expect(await grace.columnNames()).not.toContain('Review');
    expect(await tom.namesIn('Identified')).toEqual([name]);
    expect(await accessibilityProblems(grace.page, '[data-testid="refused-changes"]')).toEqual([]);
    await notice.getByRole('button', { name: 'Dismiss this message' }).click();
    await expect.poll(() => notice.count()).toBe(0);
  });
});
