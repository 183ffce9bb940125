import type { Locator, Page } from 'playwright-core';
import { todayIsoDate } from '#shared/board/record';
import { BoardPage } from './BoardPage.ts';

export interface QuickAction {
  title: string;
  /** The owner's name as the team list shows it; the option is chosen by the name it starts with. */
  owner: string;
  /** YYYY-MM-DD */
  dueDate: string;
}

/** The handover view of a board (`/boards/:id`): people by risk, each expanding to their details. */
export class HandoverPage extends BoardPage {
  constructor(page: Page) {
    super(page);
  }

  view(): Locator {
    return this.page.getByTestId('view-handover');
  }

  /** One person's row, found by the name on its expand button. */
  person(name: string): Locator {
    return this.page
      .getByTestId('handover-person')
      .filter({ has: this.page.getByRole('button', { name, exact: true }) });
  }

  /** The names in the order the handover lists them. */
  async names(): Promise<string[]> {
    return this.page
      .locator('[data-testid="handover-person"] h3 button')
      .allTextContents()
      .then((names) => names.map((n) => n.trim()));
  }

  panel(name: string): Locator {
    return this.person(name).getByTestId('handover-panel');
  }

  /** Expands a person (once) and waits for their panel. */
  async expand(name: string): Promise<Locator> {
    const toggle = this.person(name).getByRole('button', { name, exact: true });
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
    await this.panel(name).waitFor();
    return this.panel(name);
  }

  /** A shared text field of an expanded person: "What matters to me", "Situation", "Background"... */
  sharedText(name: string, label: string): Locator {
    return this.panel(name).getByLabel(label, { exact: true });
  }

  /**
   * Agrees an action for an expanded person with the quick entry, submitting with Enter. A due date
   * that has passed is confirmed in the warning the form shows for it.
   */
  async quickAddAction(name: string, action: QuickAction): Promise<void> {
    const form = this.panel(name).getByRole('region', { name: `Add an action for ${name}` });
    await form.getByLabel('Action', { exact: true }).fill(action.title);
    const owner = form.getByLabel('Owner', { exact: true });
    const option = owner
      .locator('option')
      .filter({ hasText: new RegExp(`^${escapeRegExp(action.owner)}\\b`) });
    await owner.selectOption(await option.first().getAttribute('value'));
    await form.getByLabel('Due date').fill(action.dueDate);
    await form.getByLabel('Action', { exact: true }).press('Enter');
    if (action.dueDate < todayIsoDate()) await this.confirmPastDate(form, 'Add action with this date');
    await this.openAction(name, action.title).waitFor();
  }

  /** One of a person's open actions in their expanded panel. */
  openAction(name: string, title: string): Locator {
    return this.panel(name).getByTestId('person-action').filter({ hasText: title });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
