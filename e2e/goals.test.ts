import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demo, type DemoUser } from './support/demoUsers.ts';
import { repoRoot } from './support/huddleServer.ts';
import { useScenario, textOf } from './support/scenario.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { GoalsPage } from './support/pages/GoalsPage.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { PersonPage } from './support/pages/PersonPage.ts';
import { keptControls } from './support/keptView.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const COMMUNITY_TRUST = 'Riverside Community Health NHS Trust';

/** A full-page screenshot in dist/e2e for a look, and the problems axe finds in one view. */
async function checkView(page: Page, view: string, screenshot: string): Promise<string[]> {
  mkdirSync(path.join(repoRoot, 'dist/e2e'), { recursive: true });
  await page.screenshot({ path: path.join(repoRoot, 'dist/e2e', screenshot), fullPage: true });
  const result = await new AxeBuilder({ page }).include(`[data-testid="${view}"]`).analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

describe('goals and the person page', () => {
  const scenario = useScenario();
  const actor = (user: DemoUser, startPath = '/') => scenario.signedIn(user, startPath);

  /** A new board with one person on it, added by Grace through the handover's "Add a person". */
  async function boardWithPerson(
    label: string,
  ): Promise<{ boardId: string; name: string; grace: HandoverPage }> {
    const board = await scenario.server.createBoard(unique(`E2E ${label}`));
    const grace = new HandoverPage((await actor(demo.grace, BoardPage.path(board.id))).page);
    await grace.waitUntilLive();
    const name = unique('Margaret Lee');
    await grace.addPerson({ name });
    return { boardId: board.id, name, grace };
  }

  /** Opens the person's page from their handover row, as a clinician would. */
  async function openPersonPage(handover: HandoverPage, name: string): Promise<PersonPage> {
    const panel = await handover.expand(name);
    await panel.getByRole('link', { name: `Everything about ${name}` }).click();
    const person = new PersonPage(handover.page);
    await person.nameHeading(name).waitFor();
    return person;
  }

  it('agrees a goal in the person’s words, and the team follows its progress, status and notes live', async () => {
    const { boardId, name, grace } = await boardWithPerson('goals');
    const priya = new GoalsPage((await actor(demo.priya, GoalsPage.goalsPath(boardId))).page);
    await priya.waitUntilLive();

    const goals = new GoalsPage(grace.page);
    await goals.openFromNav();
    const section = goals.person(name);
    await expect
      .poll(textOf(section.getByTestId('goals-person-empty')))
      .toContain(`No goals agreed with ${name} yet`);
    await expect.poll(textOf(goals.view().getByTestId('goals-empty'))).toContain('No goals agreed yet');

    // Bad input first: a target date already passed. The error says so and what was typed stays.
    const form = await goals.openAddGoal(section, name);
    const statement = unique('I want to get back to my allotment');
    await form.getByLabel('Goal', { exact: true }).fill(statement);
    await form.getByLabel('Target date (optional)').fill('2020-05-01');
    await form.getByRole('button', { name: 'Add goal' }).click();
    await expect.poll(textOf(form.getByRole('alert'))).toContain('The target date must be today or later');
    expect(await form.getByLabel('Goal', { exact: true }).inputValue()).toBe(statement);
    expect(await goals.goal(statement).count()).toBe(0);

    await form.getByLabel('Target date (optional)').fill('2099-06-30');
    await form.getByLabel('Lead organisation (optional)').selectOption({ label: COMMUNITY_TRUST });
    await form.getByRole('button', { name: 'Add goal' }).click();
    await goals.goal(statement).waitFor();
    expect(await form.getByLabel('Goal', { exact: true }).inputValue()).toBe('');
    await expect.poll(textOf(goals.goalStatus(statement))).toBe('Not started');
    await expect.poll(textOf(goals.goalProgress(statement))).toBe('No actions linked yet');
    await expect.poll(textOf(goals.goal(statement).getByTestId('goal-target'))).toBe('Target 30 June 2099');
    await expect
      .poll(textOf(goals.goal(statement).getByTestId('goal-lead')))
      .toBe(`Led by ${COMMUNITY_TRUST}`);
    await expect.poll(textOf(goals.count())).toBe('1 goal for 1 person.');

    // The other clinician sees it arrive on their Goals view.
    await priya.goal(statement).waitFor();
    await expect.poll(textOf(priya.goalStatus(statement))).toBe('Not started');

    // An action linked to the goal, added on the person's page, moves its progress when done.
    await section.getByRole('link', { name, exact: true }).click();
    const person = new PersonPage(grace.page);
    await person.nameHeading(name).waitFor();
    const title = unique('Walk to the allotment with a frame');
    // On a person's page the action is for them: there is no person to choose.
    const addForm = person.view().getByRole('region', { name: /^Add an action/ });
    expect(await addForm.getByLabel('Person', { exact: true }).count()).toBe(0);
    await person.addPersonAction({ title, owner: demo.grace.name, dueDate: '2099-05-01', goal: statement });
    await expect.poll(textOf(person.goalProgress(statement))).toBe('0 of 1 action done');
    await expect.poll(textOf(priya.goalProgress(statement))).toBe('0 of 1 action done');
    await person.completeAction(title);
    await expect.poll(textOf(person.actionStatus(title))).toBe('Done');
    await expect.poll(textOf(person.goalProgress(statement))).toBe('1 of 1 action done');
    await expect.poll(textOf(priya.goalProgress(statement))).toBe('1 of 1 action done');
    // Closed actions stay on the person's page.
    expect(await person.actionRow(title).count()).toBe(1);

    // A quick status change reaches the other clinician.
    await person.setStatus(statement, 'Achieved');
    await expect.poll(textOf(person.goalStatus(statement))).toBe('Achieved');
    await expect.poll(textOf(priya.goalStatus(statement))).toBe('Achieved');

    // Notes on outcomes are typed together.
    const mine = await person.openNotes(statement);
    const theirs = await priya.openNotes(statement);
    await mine.fill('Walked to the allotment gate on her own.');
    await expect.poll(() => theirs.inputValue()).toBe('Walked to the allotment gate on her own.');

    // The view Priya's browser keeps for her next visit shows what hers does: the goal's status as it
    // is (not its list's first), every status shown ticked in the filters, the notes as typed.
    const kept = () => keptControls(priya.page, GoalsPage.goalsPath(boardId));
    await expect
      .poll(async () => (await kept()).texts, { timeout: 10_000 })
      .toContain('Walked to the allotment gate on her own.');
    const controls = await kept();
    expect(controls.selects).toContain('Achieved');
    expect(controls.selects).not.toContain('Not started');
    expect(controls.checked).toEqual(expect.arrayContaining(['not_started', 'achieved']));

    expect(await checkView(priya.page, 'view-goals', 'goals.png')).toEqual([]);
    expect(await checkView(person.page, 'view-person', 'person.png')).toEqual([]);

    // Filters: hiding achieved goals leaves nothing to show, and says what to do.
    await priya.statusFilter('Achieved').uncheck();
    await expect.poll(() => priya.goal(statement).count()).toBe(0);
    await expect.poll(textOf(priya.count())).toBe('Showing 0 of 1 goal for 0 people.');
    await priya.view().getByTestId('goals-none-match').waitFor();
    await priya.view().getByRole('button', { name: 'Show all goals' }).first().click();
    await priya.goal(statement).waitFor();
    await priya.personFilter().selectOption({ label: name });
    await expect.poll(textOf(priya.count())).toBe('Showing 1 of 1 goal for 1 person.');
  });

  it('changes a person’s details, refusing an invalid NHS number, and archives and restores them', async () => {
    const { name, grace } = await boardWithPerson('person page');
    const person = await openPersonPage(grace, name);
    await expect.poll(textOf(person.detail('person-nhs-number'))).toBe('Not recorded');

    // 123 456 7890 fails the modulus 11 check.
    await person.changeDetails((form) => form.getByLabel('NHS number (optional)').fill('123 456 7890'));
    await expect
      .poll(textOf(person.errorSummary()))
      .toContain('Enter a valid NHS number: 10 digits, like 943 476 5919');
    const form = person.personForm();
    expect(await form.getByLabel('NHS number (optional)').inputValue()).toBe('123 456 7890');
    await form.getByLabel('NHS number (optional)').fill('9434765919');
    await form.getByLabel('Clinical Frailty Scale (optional)').selectOption('6');
    await form.getByRole('button', { name: 'Save details' }).click();
    await expect.poll(textOf(person.detail('person-nhs-number'))).toBe('943 476 5919');
    await expect.poll(textOf(person.detail('person-frailty'))).toBe('6 Moderately frail');

    // Archiving needs a reason; the person then leaves the handover.
    const archive = await person.startArchive();
    await archive.getByRole('button', { name: /^Archive/ }).click();
    await expect.poll(textOf(archive.getByRole('alert'))).toContain('Say why the person is being archived');
    await archive.getByLabel('Why are they being archived?').fill('Moved out of area');
    await archive.getByRole('button', { name: /^Archive/ }).click();
    await expect
      .poll(textOf(person.archivedInset()))
      .toMatch(/^Archived on \d{1,2} \w+ \d{4} because Moved out of area\./);

    await person.view().getByRole('link', { name: 'Back to the handover' }).click();
    await grace.view().waitFor();
    await grace.page.getByTestId('handover-empty').waitFor();
    expect(await grace.person(name).count()).toBe(0);

    await grace.page.goBack();
    await person.archivedInset().waitFor();
    await person.restore();
    await expect.poll(() => person.archivedInset().count()).toBe(0);
    await person.view().getByRole('link', { name: 'Back to the handover' }).click();
    await grace.person(name).waitFor();
  });

  it('shows a viewer everything about a person, live, with no controls, and says when nobody is found', async () => {
    const { boardId, name, grace } = await boardWithPerson('viewer');
    const person = await openPersonPage(grace, name);
    const personPath = PersonPage.personPath(boardId, person.personId());
    const form = await person.openAddGoal(person.goalsSection(), name);
    const statement = unique('I want to make my own breakfast');
    await form.getByLabel('Goal', { exact: true }).fill(statement);
    await form.getByRole('button', { name: 'Add goal' }).click();
    await person.goal(statement).waitFor();

    // An editor has controls, so the viewer's having none below means something.
    expect(await person.controls().count()).toBeGreaterThan(5);

    const helen = new PersonPage((await actor(demo.helen, personPath)).page);
    await helen.nameHeading(name).waitFor();
    await helen.viewOnly().waitFor();
    await helen.goal(statement).waitFor();
    await expect.poll(textOf(helen.goalStatus(statement))).toBe('Not started');
    // Notes, what matters and the SBAR note read as text, not as boxes to type in.
    await helen.openNotesToRead(statement);
    await expect
      .poll(textOf(helen.readOnlyText('Notes on outcomes', helen.goal(statement))))
      .toBe('Nothing written yet');
    await expect.poll(textOf(helen.readOnlyText('Situation'))).toBe('Nothing written yet');
    expect(await helen.view().locator('textarea, input').count()).toBe(0);
    expect(await helen.controls().count()).toBe(0);
    expect(await checkView(helen.page, 'view-person', 'person-viewer.png')).toEqual([]);
    expect(
      await helen
        .view()
        .getByRole('button', { name: /^Add a goal/ })
        .count(),
    ).toBe(0);

    // What Grace changes reaches the viewer's page live.
    await person.setStatus(statement, 'In progress');
    await expect.poll(textOf(helen.goalStatus(statement))).toBe('In progress');
    await grace.page
      .getByLabel(`What matters to ${name}, in their own words`)
      .fill('Seeing her grandchildren on Sundays');
    await expect
      .poll(textOf(helen.readOnlyText(`What matters to ${name}, in their own words`)))
      .toBe('Seeing her grandchildren on Sundays');

    await helen.page.goto(PersonPage.personPath(boardId, 'nobody-here'));
    await helen.view().getByRole('heading', { level: 2, name: 'Person not found' }).waitFor();
    await helen.view().getByRole('link', { name: 'Go to the handover' }).waitFor();
  });
});
