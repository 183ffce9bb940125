import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { demo } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { GoalsPage } from './support/pages/GoalsPage.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { PathwayPage } from './support/pages/PathwayPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

describe('a short handover between clinicians from two organisations', () => {
  const scenario = useScenario();

  it('adds a person, a goal and actions for each other, moves the person along the pathway, each seeing the other live', async () => {
    const board = await scenario.server.createBoard(unique('E2E frailty MDT'));
    const path = BoardPage.path(board.id);
    // Grace is a community matron (community trust); Tom is a GP (Elm Tree Medical Practice).
    const grace = new HandoverPage((await scenario.signedIn(demo.grace, path)).page);
    const tom = new HandoverPage((await scenario.signedIn(demo.tom, path)).page);
    await Promise.all([grace.waitUntilLive(), tom.waitUntilLive()]);
    await grace.peer(demo.tom.name).waitFor();

    // Grace adds the person; Tom sees them in his handover at once.
    const name = unique('Margaret Ellis');
    await grace.addPerson({
      name,
      nhsNumber: '943 476 5919',
      risk: 'red',
      riskReason: 'Two falls in a month',
    });
    await tom.person(name).waitFor();
    await expect.poll(textOf(tom.person(name).getByTestId('risk'))).toBe('Red risk');

    // Tom records her goal, in her words, on the Goals view; Grace sees it in the handover.
    const goals = new GoalsPage(tom.page);
    await tom.goTo('Goals');
    await goals.view().waitFor();
    const statement = 'I want to feel safe getting up in the night';
    const form = await goals.openAddGoal(goals.person(name), name);
    await goals.fillGoal(form, { statement, leadOrganisation: 'Elm Tree Medical Practice' });
    await goals.goal(statement).waitFor();
    await grace.expand(name);
    await grace.panel(name).getByTestId('person-goal').filter({ hasText: statement }).waitFor();

    // They agree actions for each other; each owner accepts theirs, and the other sees it.
    await tom.goTo('Handover');
    await tom.expand(name);
    const forTom = unique('Medication review: stop the night-time sedative');
    const forGrace = unique('Home visit to check lighting and fit a pendant alarm');
    await grace.quickAddAction(name, { title: forTom, owner: demo.tom.name, dueDate: '2099-12-03' });
    await tom.quickAddAction(name, { title: forGrace, owner: demo.grace.name, dueDate: '2099-12-05' });
    for (const [owner, other, title] of [
      [tom, grace, forTom],
      [grace, tom, forGrace],
    ] as const) {
      await owner.openAction(name, title).waitFor();
      await expect.poll(textOf(owner.openAction(name, title).getByTestId('action-status'))).toBe('Proposed');
      // Only the owner is offered Accept.
      expect(
        await other
          .openAction(name, title)
          .getByRole('button', { name: `Accept ${title}` })
          .count(),
      ).toBe(0);
      await owner
        .openAction(name, title)
        .getByRole('button', { name: `Accept ${title}` })
        .click();
      await expect.poll(textOf(other.openAction(name, title).getByTestId('action-status'))).toBe('Accepted');
    }

    // Grace moves Margaret along the pathway by keyboard; Tom watches her card move.
    const gracePathway = new PathwayPage(grace.page);
    const tomPathway = new PathwayPage(tom.page);
    await grace.goTo('Pathway');
    await tom.goTo('Pathway');
    await Promise.all([gracePathway.view().waitFor(), tomPathway.view().waitFor()]);
    await tomPathway.cardIn('Not on the pathway yet', name).waitFor();
    await gracePathway.moveByKeyboard(name, 'Identified');
    await tomPathway.cardIn('Identified', name).waitFor();
    await gracePathway.moveByKeyboard(name, 'Comprehensive Geriatric Assessment');
    await tomPathway.cardIn('Comprehensive Geriatric Assessment', name).waitFor();
    expect(await tomPathway.cardIn('Identified', name).count()).toBe(0);
    await expect.poll(textOf(tomPathway.card(name))).toContain('Entered today');

    // On the Actions view both actions are accepted, each with its owner and the owner's organisation.
    const actions = new ActionsPage(tom.page);
    await tom.goTo('Actions');
    await actions.view().waitFor();
    for (const [title, owner] of [
      [forTom, demo.tom],
      [forGrace, demo.grace],
    ] as const) {
      await actions.card(title, actions.column('Accepted')).waitFor();
      await expect.poll(textOf(actions.card(title))).toContain(owner.name);
      await expect.poll(textOf(actions.card(title))).toContain(owner.organisation);
    }
  });
});
