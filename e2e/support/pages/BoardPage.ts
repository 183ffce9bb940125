import type { Locator, Page } from 'playwright-core';
import { giveNameIfAsked } from './identity.ts';

export interface NewAction {
  title: string;
  ownerName: string;
  organisation: string;
  dueDate: string;
}

/** One board at `/boards/:id`, as a clinician sees it. */
export class BoardPage {
  constructor(
    readonly page: Page,
    private readonly clinicianName: string,
  ) {}

  async open(boardId: string, boardName: string): Promise<void> {
    await this.page.goto(`/boards/${encodeURIComponent(boardId)}`);
    await giveNameIfAsked(this.page, this.clinicianName, boardName);
    await this.heading(boardName).waitFor();
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  connectionState(): Locator {
    return this.page.getByTestId('connection-state').locator('.nhsuk-tag');
  }

  /** Waits until the board has synced with the server. */
  async waitUntilLive(): Promise<void> {
    await this.page.getByTestId('connection-state').getByText('Live', { exact: true }).waitFor();
  }

  peer(name: string): Locator {
    return this.page.getByTestId('peers').getByText(name, { exact: true });
  }

  actionRow(title: string): Locator {
    return this.page.getByTestId('action-row').filter({ hasText: title });
  }

  actionStatus(title: string): Locator {
    return this.actionRow(title).getByTestId('action-status');
  }

  /** Fills the add-action form and submits it with Enter, as a keyboard user would. */
  async addAction(action: NewAction): Promise<void> {
    const form = this.page.getByRole('region', { name: 'Add an action' });
    await form.getByLabel('Owner', { exact: true }).fill(action.ownerName);
    await form.getByLabel("Owner's organisation").selectOption({ label: action.organisation });
    await form.getByLabel('Due date').fill(action.dueDate);
    const title = form.getByLabel('Action', { exact: true });
    await title.fill(action.title);
    await title.press('Enter');
    await this.actionRow(action.title).waitFor();
  }

  async completeAction(title: string): Promise<void> {
    await this.actionRow(title)
      .getByRole('button', { name: `Complete ${title}` })
      .click();
  }
}
