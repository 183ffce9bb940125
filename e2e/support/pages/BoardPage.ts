import type { Locator, Page } from 'playwright-core';

export interface NewAction {
  title: string;
  ownerName: string;
  organisation: string;
  dueDate: string;
}

/** One board at `/boards/:id`, as a signed-in clinician sees it. */
export class BoardPage {
  constructor(readonly page: Page) {}

  /** Opens the board and waits for its heading (the person must already be signed in). */
  async open(boardId: string, boardName: string): Promise<void> {
    await this.page.goto(BoardPage.path(boardId));
    await this.heading(boardName).waitFor();
  }

  static path(boardId: string): string {
    return `/boards/${encodeURIComponent(boardId)}`;
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  noAccessHeading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'You do not have access to this board' });
  }

  /** The "View only" tag and its explanation, shown to people who can see but not change the board. */
  viewOnly(): Locator {
    return this.page.getByTestId('view-only');
  }

  addActionForm(): Locator {
    return this.page.getByRole('region', { name: 'Add an action' });
  }

  connectionState(): Locator {
    return this.page.getByTestId('connection-state').locator('.nhsuk-tag');
  }

  /** Waits until the board has synced with the server. */
  async waitUntilLive(): Promise<void> {
    await this.page.getByTestId('connection-state').getByText('Live', { exact: true }).waitFor();
  }

  /** Someone else on the board, by name (their avatar also shows their organisation). */
  peer(name: string): Locator {
    return this.page.getByTestId('peer').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  actionRow(title: string): Locator {
    return this.page.getByTestId('action-row').filter({ hasText: title });
  }

  actionStatus(title: string): Locator {
    return this.actionRow(title).getByTestId('action-status');
  }

  /** Buttons that change an action (edit, complete); a read-only board has none. */
  changeButtons(): Locator {
    return this.page.getByRole('button', { name: /^(Edit|Complete)\b/ });
  }

  /** Fills the add-action form and submits it with Enter, as a keyboard user would. */
  async addAction(action: NewAction): Promise<void> {
    const form = this.addActionForm();
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

  /** Opens the History dialog of one action with the keyboard and returns the dialog. */
  async openHistory(title: string): Promise<Locator> {
    await this.actionRow(title)
      .getByRole('button', { name: `History of ${title}` })
      .press('Enter');
    const dialog = this.page.getByRole('dialog', { name: `History of ${title}` });
    await dialog.waitFor();
    return dialog;
  }
}
