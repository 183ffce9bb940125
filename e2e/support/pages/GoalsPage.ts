import type { Locator, Page } from 'playwright-core';
import { BoardPage } from './BoardPage.ts';

export interface NewGoal {
  statement: string;
  /** YYYY-MM-DD, or empty to leave it out. */
  targetDate?: string;
  /** The lead organisation's name as the list shows it. */
  leadOrganisation?: string;
}

/**
 * Goals as they appear on the Goals view (`/boards/:id/goals`) and on a person's page: each in the
 * person's own words, with its status, progress, notes and a form to add one.
 */
export class GoalsPage extends BoardPage {
  constructor(page: Page) {
    super(page);
  }

  static goalsPath(boardId: string): string {
    return `${BoardPage.path(boardId)}/goals`;
  }

  view(): Locator {
    return this.page.getByTestId('view-goals');
  }

  /** Opens the Goals view from the board's navigation, as a clinician would. */
  async openFromNav(): Promise<void> {
    await this.goTo('Goals');
  }

  /** One person's section on the Goals view, found by their name. */
  person(name: string): Locator {
    return this.page
      .getByTestId('goals-person')
      .filter({ has: this.page.getByRole('heading', { name, exact: true }) });
  }

  count(): Locator {
    return this.page.getByTestId('goals-count');
  }

  /** One goal, wherever it is listed, found by its statement. */
  goal(statement: string): Locator {
    return this.page
      .getByTestId('goal-item')
      .filter({ has: this.page.getByTestId('goal-statement').getByText(statement, { exact: true }) });
  }

  goalStatus(statement: string): Locator {
    return this.goal(statement).getByTestId('goal-status');
  }

  goalProgress(statement: string): Locator {
    return this.goal(statement).getByTestId('goal-progress');
  }

  statusSelect(statement: string): Locator {
    return this.goal(statement).getByLabel(`Status of ${statement}`, { exact: true });
  }

  async setStatus(statement: string, status: string): Promise<void> {
    await this.statusSelect(statement).selectOption({ label: status });
  }

  /** Opens the "Add a goal" form for a person within `scope` (a section, or the person page). */
  async openAddGoal(scope: Locator, personName: string): Promise<Locator> {
    const toggle = scope.getByRole('button', { name: `Add a goal for ${personName}`, exact: true });
    await toggle.click();
    const form = scope.locator('form.board-goal-form');
    await form.waitFor();
    return form;
  }

  /** Opens the form that changes a goal (in place of its statement) and returns it. */
  async openChangeGoal(statement: string): Promise<Locator> {
    const goal = this.goal(statement);
    const id = await goal.getAttribute('data-goal-id');
    await goal.getByRole('button', { name: `Change the goal ${statement}`, exact: true }).click();
    const form = this.page.locator(`[data-testid="goal-item"][data-goal-id="${id}"] form.board-goal-form`);
    await form.waitFor();
    return form;
  }

  /** Fills the add-goal form (already open) and submits it with its button. */
  async fillGoal(form: Locator, goal: NewGoal): Promise<void> {
    await form.getByLabel('Goal', { exact: true }).fill(goal.statement);
    await form.getByLabel('Target date (optional)').fill(goal.targetDate ?? '');
    if (goal.leadOrganisation)
      await form.getByLabel('Lead organisation (optional)').selectOption({ label: goal.leadOrganisation });
    await form.getByRole('button', { name: 'Add goal' }).click();
  }

  /** Opens a goal's notes and returns the text area the team types in together. */
  async openNotes(statement: string): Promise<Locator> {
    const goal = this.goal(statement);
    await goal.getByRole('button', { name: `Notes on ${statement}`, exact: true }).click();
    const notes = goal.getByLabel('Notes on outcomes');
    await notes.waitFor();
    return notes;
  }

  /** Opens a goal's notes as a viewer has them: text to read, not a field (see `readOnlyText`). */
  async openNotesToRead(statement: string): Promise<Locator> {
    const goal = this.goal(statement);
    await goal.getByRole('button', { name: `Notes on ${statement}`, exact: true }).click();
    const notes = this.readOnlyText('Notes on outcomes', goal);
    await notes.waitFor();
    return notes;
  }

  /** Status checkboxes of the filter, by status label ("Achieved"). */
  statusFilter(status: string): Locator {
    return this.view().getByRole('checkbox', { name: new RegExp(`^${status} \\(\\d+\\)$`) });
  }

  personFilter(): Locator {
    return this.view().getByLabel('Person', { exact: true });
  }
}
