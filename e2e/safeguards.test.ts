import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { accessibilityProblems } from './support/axe.ts';
import { demo, type DemoUser } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { PersonPage } from './support/pages/PersonPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const isFocused = (locator: Locator) => () => locator.evaluate((el) => el === el.ownerDocument.activeElement);

/**
 * What the board does so that clinicians can trust what it holds: it refuses a second person with
 * the same NHS number, asks before saving a date that has passed, never cuts text short, and offers
 * nobody a control they cannot use.
 */
describe('safeguards on the board', () => {
  const scenario = useScenario();

  async function newBoard(label: string) {
    return scenario.server.createBoard(unique(`E2E ${label}`));
  }

  async function handover(user: DemoUser, boardId: string): Promise<HandoverPage> {
    const page = new HandoverPage((await scenario.signedIn(user, BoardPage.path(boardId))).page);
    await page.waitUntilLive();
    return page;
  }

  /** Opens a person's page from their row on the handover, as someone would. */
  async function openPerson(page: HandoverPage, name: string): Promise<PersonPage> {
    const panel = await page.expand(name);
    await panel.getByRole('link', { name: `Everything about ${name}` }).click();
    const person = new PersonPage(page.page);
    await person.nameHeading(name).waitFor();
    return person;
  }

  it('refuses a second person with an NHS number already on the board, and links to who has it', async () => {
    const board = await newBoard('NHS number');
    const grace = await handover(demo.grace, board.id);
    const margaret = unique('Margaret Ellis');
    const harold = unique('Harold Bennett');
    await grace.addPerson({ name: margaret, nhsNumber: '943 476 5919' });
    await grace.addPerson({ name: harold });

    // The same number, written without spaces: refused, at the field, with a link to Margaret.
    const form = await grace.submitNewPerson({ name: unique('M Ellis'), nhsNumber: '9434765919' });
    const message = `${margaret} already has this NHS number on this board`;
    await expect.poll(textOf(form.locator('.nhsuk-error-summary'))).toContain(message);
    await expect.poll(textOf(form.locator('.nhsuk-error-message'))).toContain(message);
    expect(await form.getByLabel('NHS number (optional)').inputValue()).toBe('9434765919');
    await expect.poll(() => grace.names()).toEqual([harold, margaret].sort((a, b) => a.localeCompare(b)));
    expect(await accessibilityProblems(grace.page, '[data-testid="view-handover"]')).toEqual([]);

    const link = form.getByRole('link', { name: `Go to ${margaret}’s page` });
    await link.focus();
    await grace.page.keyboard.press('Enter');
    const person = new PersonPage(grace.page);
    await person.nameHeading(margaret).waitFor();

    // Archived, she still holds her number: giving it to Harold is refused, with a way to restore her.
    const archive = await person.startArchive();
    await archive.getByLabel('Why are they being archived?').fill('Moved out of area');
    await archive.getByRole('button', { name: /^Archive/ }).click();
    await person.archivedInset().waitFor();
    await person.view().getByRole('link', { name: 'Back to the handover' }).click();
    const haroldPage = await openPerson(grace, harold);
    await haroldPage.changeDetails((details) =>
      details.getByLabel('NHS number (optional)').fill('943-476-5919'),
    );
    const details = haroldPage.personForm();
    await expect
      .poll(textOf(details.locator('.nhsuk-error-message')))
      .toContain(`${margaret} already has this NHS number on this board (archived)`);
    await expect
      .poll(textOf(details.getByTestId('nhs-number-taken')))
      .toBe(`Go to ${margaret}’s page, where you can restore them`);
    await details.getByRole('link', { name: `Go to ${margaret}’s page` }).click();
    await person.nameHeading(margaret).waitFor();
    await person.archivedInset().waitFor();
  });

  it('asks before saving a due date or target date that has passed, and saves it once confirmed', async () => {
    const board = await newBoard('past dates');
    const grace = await handover(demo.grace, board.id);
    const ada = unique('Ada Lovell');
    await grace.addPerson({ name: ada });
    const actions = new ActionsPage(grace.page);
    await actions.openFromNav();

    // Adding: nothing is saved until the date is confirmed, and focus goes to the warning.
    const details = actions.view().locator('details').filter({ hasText: 'Add an action' });
    await details.locator('summary').click();
    const form = actions.addActionForm();
    const late = unique('Care package review');
    await form.getByLabel('Action', { exact: true }).fill(late);
    await form.getByLabel('Owner', { exact: true }).selectOption(demo.grace.id);
    await form.getByLabel('Due date', { exact: true }).fill('2020-01-01');
    await form.getByLabel('Person', { exact: true }).selectOption({ label: ada });
    await form.getByRole('button', { name: 'Add action' }).press('Enter');
    const warning = actions.pastDateWarning(form);
    await expect.poll(textOf(warning)).toContain('Important: The due date is in the past');
    await expect
      .poll(textOf(warning))
      .toMatch(/1 January 2020 was \d+ days ago\. .*nothing has been saved yet/);
    await expect.poll(isFocused(warning)).toBe(true);
    expect(await actions.view().getByTestId('action-card').count()).toBe(0);
    expect(await accessibilityProblems(grace.page, '[data-testid="view-actions"]')).toEqual([]);

    // "Change the due date" goes back to it; another date takes the warning away until the next try.
    await warning.getByRole('button', { name: 'Change the due date' }).click();
    await expect.poll(isFocused(form.getByLabel('Due date', { exact: true }))).toBe(true);
    await form.getByLabel('Due date', { exact: true }).fill('2021-06-30');
    await expect.poll(() => warning.count()).toBe(0);
    await form.getByRole('button', { name: 'Add action' }).click();
    await expect.poll(textOf(warning)).toContain('30 June 2021 was');
    await warning.getByRole('button', { name: 'Add action with this date' }).press('Enter');
    await actions.card(late).waitFor();
    await expect.poll(() => actions.card(late).getByText('Overdue', { exact: true }).count()).toBe(1);

    // Changing: a due date moved into the past is asked about; keeping an overdue date is not.
    const soon = unique('Falls review at home');
    await actions.addActionCard({ title: soon, ownerId: demo.grace.id, dueDate: '2099-01-10', person: ada });
    let dialog = await actions.openEdit(soon);
    await dialog.getByLabel('Due date', { exact: true }).fill('2022-02-01');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await actions.confirmPastDate(dialog, 'Save with this date');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => actions.card(soon).getByText('Overdue', { exact: true }).count()).toBe(1);
    dialog = await actions.openEdit(late);
    const renamed = unique('Care package review with the family');
    await dialog.getByLabel('Action', { exact: true }).fill(renamed);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await actions.card(renamed).waitFor();
    expect(await actions.pastDateWarning(dialog).count()).toBe(0);

    // Quick entry on the handover asks too (the page object confirms it).
    await grace.goTo('Handover');
    await grace.expand(ada);
    const quick = unique('Chase the OT referral');
    await grace.quickAddAction(ada, { title: quick, owner: demo.grace.name, dueDate: '2023-03-03' });

    // A goal's target date moved into the past is asked about before it is saved.
    const person = await openPerson(grace, ada);
    const statement = unique('I want to walk to the shop');
    const goalForm = await person.openAddGoal(person.goalsSection(), ada);
    await goalForm.getByLabel('Goal', { exact: true }).fill(statement);
    await goalForm.getByLabel('Target date (optional)').fill('2099-05-01');
    await goalForm.getByRole('button', { name: 'Add goal' }).click();
    await person.goal(statement).waitFor();
    const change = await person.openChangeGoal(statement);
    await change.getByLabel('Target date (optional)').fill('2024-04-04');
    await change.getByRole('button', { name: 'Save goal' }).click();
    await expect.poll(textOf(person.pastDateWarning(change))).toContain('The target date is in the past');
    // Tom, on the same page, still sees the date as it was until Grace confirms the new one.
    const tom = new PersonPage((await scenario.signedIn(demo.tom, grace.page.url())).page);
    await tom.waitUntilLive();
    const target = tom.goal(statement).getByTestId('goal-target');
    await expect.poll(textOf(target)).toBe('Target 1 May 2099');
    await person.confirmPastDate(change, 'Save goal with this date');
    await expect.poll(textOf(target)).toMatch(/^Target 4 April 2024\s+Overdue/);
    await expect.poll(textOf(person.goal(statement).getByTestId('goal-target'))).toContain('4 April 2024');
  });

  it('never cuts what is typed or pasted: counts near the limit and refuses what is too long', async () => {
    const board = await newBoard('long text');
    const grace = await handover(demo.grace, board.id);
    const tom = await handover(demo.tom, board.id);
    const ada = unique('Ada Lovell');
    await grace.addPerson({ name: ada });

    // An action's title: 412 characters stay 412, the count says so, and saving says by how much.
    const actions = new ActionsPage(grace.page);
    await actions.openFromNav();
    await actions.view().locator('details').filter({ hasText: 'Add an action' }).locator('summary').click();
    const form = actions.addActionForm();
    const long = 'Arrange a review of the care package with the family and the social worker. '
      .repeat(6)
      .slice(0, 412);
    const title = form.getByLabel('Action', { exact: true });
    await title.fill(long);
    expect(await title.inputValue()).toBe(long);
    await expect.poll(textOf(form.getByTestId('character-count'))).toBe('You have 112 characters too many');
    await form.getByLabel('Owner', { exact: true }).selectOption(demo.grace.id);
    await form.getByLabel('Due date', { exact: true }).fill('2099-01-10');
    await form.getByLabel('Person', { exact: true }).selectOption({ label: ada });
    await form.getByRole('button', { name: 'Add action' }).click();
    const problem = 'Shorten the action to 300 characters or fewer: it is 412';
    await expect.poll(textOf(form.locator('.nhsuk-error-summary'))).toContain(problem);
    await expect.poll(textOf(form.locator('span.nhsuk-error-message'))).toContain(problem);
    expect(await actions.view().getByTestId('action-card').count()).toBe(0);
    expect(await accessibilityProblems(grace.page, '[data-testid="view-actions"]')).toEqual([]);
    await title.fill(long.slice(0, 300).trim());
    await expect
      .poll(textOf(form.getByTestId('character-count')))
      .toBe(`You have ${300 - long.slice(0, 300).trim().length} characters remaining`);
    await form.getByRole('button', { name: 'Add action' }).click();
    await actions.card(long.slice(0, 300).trim()).waitFor();

    // Shared text (typed together, saved as it is typed): what would go past 10,000 is not added.
    await grace.goTo('Handover');
    await grace.expand(ada);
    await tom.expand(ada);
    const situation = grace.sharedText(ada, 'Situation');
    const group = situation.locator('xpath=ancestor::div[contains(@class, "nhsuk-form-group")][1]');
    const length = () => situation.inputValue().then((v) => v.length);
    await situation.focus();
    await grace.page.keyboard.insertText('a'.repeat(9_990));
    await expect.poll(length).toBe(9_990);
    await expect.poll(textOf(group.getByTestId('character-count'))).toBe('You have 10 characters remaining');

    // Pasting 20 more: nothing is added, the text stays as it was, and the field says why.
    await grace.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await grace.page.evaluate(`navigator.clipboard.writeText(${JSON.stringify('b'.repeat(20))})`);
    await grace.page.keyboard.press('ControlOrMeta+V');
    await expect
      .poll(textOf(group.getByTestId('shared-text-refusal')))
      .toContain('That was not added: it would make Situation 10,010 characters long');
    expect(await situation.inputValue()).toBe('a'.repeat(9_990));
    expect(await accessibilityProblems(grace.page, '[data-testid="view-handover"]')).toEqual([]);

    // Typing up to the limit is fine; one character more is not added.
    await grace.page.keyboard.insertText('c'.repeat(10));
    await expect.poll(length).toBe(10_000);
    await expect.poll(() => group.getByTestId('shared-text-refusal').count()).toBe(0);
    await expect.poll(textOf(group.getByTestId('character-count'))).toBe('You have 0 characters remaining');
    await grace.page.keyboard.type('d');
    await expect
      .poll(textOf(group.getByTestId('shared-text-refusal')))
      .toContain('it would make Situation 10,001 characters long');
    expect(await length()).toBe(10_000);

    // Tom has exactly what was added: nothing refused ever left Grace's browser.
    await expect
      .poll(() => tom.sharedText(ada, 'Situation').inputValue())
      .toBe(`${'a'.repeat(9_990)}${'c'.repeat(10)}`);
  });

  it('offers nobody a control they cannot use, and shows viewers text rather than boxes', async () => {
    const board = await newBoard('controls');
    const grace = await handover(demo.grace, board.id);
    const ada = unique('Ada Lovell');
    await grace.addPerson({ name: ada });
    const person = await openPerson(grace, ada);
    const personPath = PersonPage.personPath(board.id, person.personId());
    const mine = unique('Falls review at home');
    const lucys = unique('Care package review');
    await person.addPersonAction({ title: mine, owner: demo.grace.name, dueDate: '2099-01-10' });
    await person.addPersonAction({ title: lucys, owner: demo.lucy.name, dueDate: '2099-02-10' });

    // Only Lucy can take her proposed action on: Grace has no Complete for it, and its status offers
    // her only what she may set.
    const complete = (page: PersonPage, title: string) =>
      page.actionRow(title).getByRole('button', { name: `Complete ${title}` });
    await expect.poll(textOf(person.actionStatus(lucys))).toBe('Proposed');
    expect(await complete(person, mine).count()).toBe(1);
    expect(await complete(person, lucys).count()).toBe(0);
    await person
      .actionRow(lucys)
      .getByRole('button', { name: `Edit ${lucys}` })
      .click();
    const edit = person.view().getByTestId('action-edit-row');
    const status = edit.getByLabel('Status');
    expect((await status.locator('option').allTextContents()).map((t) => t.trim())).toEqual([
      'Proposed',
      'Cancelled',
    ]);
    await edit.getByRole('button', { name: 'Cancel' }).click();

    const lucy = new PersonPage((await scenario.signedIn(demo.lucy, personPath)).page);
    await lucy.waitUntilLive();
    await lucy.actionRow(lucys).waitFor();
    expect(await complete(lucy, lucys).count()).toBe(1);
    await complete(lucy, lucys).click();
    await expect.poll(textOf(person.actionStatus(lucys))).toBe('Done');

    // A viewer reads what matters and the SBAR note as text, live, with nothing that looks editable.
    await grace.page
      .getByLabel(`What matters to ${ada}, in their own words`)
      .fill('Getting back to the allotment');
    const helen = await handover(demo.helen, board.id);
    const panel = await helen.expand(ada);
    await expect
      .poll(textOf(helen.readOnlyText('What matters to me', panel)))
      .toBe('Getting back to the allotment');
    await panel.getByRole('heading', { name: 'SBAR handover note' }).waitFor();
    await expect.poll(textOf(helen.readOnlyText('Recommendation', panel))).toBe('Nothing written yet');
    expect(await panel.locator('textarea, input, select').count()).toBe(0);
    await grace.page
      .getByLabel(`What matters to ${ada}, in their own words`)
      .fill('Getting back to the allotment with her son');
    await expect
      .poll(textOf(helen.readOnlyText('What matters to me', panel)))
      .toBe('Getting back to the allotment with her son');
    expect(await accessibilityProblems(helen.page, '[data-testid="view-handover"]')).toEqual([]);
  });
});
