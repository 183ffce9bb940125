import type { Locator, Page } from 'playwright-core';
import { GoalsPage } from './GoalsPage.ts';

export interface PersonAction {
  title: string;
  /** The owner's name; the option starting with it is chosen. */
  owner: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** The statement of the goal the action works towards. */
  goal?: string;
}

/** Everything about one person (`/boards/:id/people/:personId`). */
export class PersonPage extends GoalsPage {
  constructor(page: Page) {
    super(page);
  }

  static personPath(boardId: string, personId: string): string {
    return `/boards/${encodeURIComponent(boardId)}/people/${encodeURIComponent(personId)}`;
  }

  override view(): Locator {
    return this.page.getByTestId('view-person');
  }

  /** The person's name, as the page heading. */
  nameHeading(name: string): Locator {
    return this.view().getByRole('heading', { level: 2, name, exact: true });
  }

  /** The person's id, from the address of the page. */
  personId(): string {
    const id = new URL(this.page.url()).pathname.split('/people/')[1];
    if (!id) throw new Error(`not on a person page: ${this.page.url()}`);
    return decodeURIComponent(id);
  }

  /** One row of the details summary list, by its data-testid (`person-nhs-number`...). */
  detail(testId: string): Locator {
    return this.view().getByTestId(testId);
  }

  archivedInset(): Locator {
    return this.view().getByTestId('person-archived');
  }

  errorSummary(): Locator {
    return this.view().locator('.nhsuk-error-summary');
  }

  goalsSection(): Locator {
    return this.view().getByTestId('person-goals');
  }

  /** Buttons and fields that would change the board; a viewer sees none. */
  controls(): Locator {
    return this.view().locator(
      [
        'button:text-matches("^(Change|Archive|Restore|Add|Move|Complete|Edit)")',
        'select',
        'input',
        'textarea:not([readonly])',
      ].join(', '),
    );
  }

  async changeDetails(fill: (form: Locator) => Promise<void>): Promise<void> {
    await this.view()
      .getByRole('button', { name: /^Change details/ })
      .click();
    const form = this.view().locator('form.board-person-form');
    await fill(form);
    await form.getByRole('button', { name: 'Save details' }).click();
  }

  personForm(): Locator {
    return this.view().locator('form.board-person-form');
  }

  async startArchive(): Promise<Locator> {
    await this.view()
      .getByRole('button', { name: /^Archive/ })
      .click();
    const form = this.view().locator('form.board-person-archive');
    await form.waitFor();
    return form;
  }

  async restore(): Promise<void> {
    await this.view()
      .getByRole('button', { name: /^Restore/ })
      .click();
  }

  /** One of the person's actions in the table of their actions. */
  actionRow(title: string): Locator {
    return this.view().getByTestId('action-row').filter({ hasText: title });
  }

  actionStatus(title: string): Locator {
    return this.actionRow(title).getByTestId('action-status');
  }

  async completeAction(title: string): Promise<void> {
    await this.actionRow(title)
      .getByRole('button', { name: `Complete ${title}` })
      .click();
  }

  /** Adds an action with the person page's form, linked to a goal when one is given. */
  async addPersonAction(action: PersonAction): Promise<void> {
    const form = this.view().getByRole('region', { name: /^Add an action/ });
    await form.getByLabel('Action', { exact: true }).fill(action.title);
    const owner = form.getByLabel('Owner', { exact: true });
    const option = owner
      .locator('option')
      .filter({ hasText: new RegExp(`^\\s*${escapeRegExp(action.owner)}\\b`) });
    await option.first().waitFor({ state: 'attached' });
    await owner.selectOption(await option.first().getAttribute('value'));
    await form.getByLabel('Due date').fill(action.dueDate);
    if (action.goal) await form.getByLabel('Goal (optional)').selectOption({ label: action.goal });
    await form.getByRole('button', { name: 'Add action' }).click();
    await this.actionRow(action.title).waitFor();
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
