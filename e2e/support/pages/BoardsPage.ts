import type { Locator, Page } from 'playwright-core';

/** The board list at `/`. */
export class BoardsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.page.getByRole('heading', { name: 'Boards', exact: true }).waitFor();
  }

  boardLink(name: string): Locator {
    return this.page.getByRole('link', { name, exact: true });
  }

  /** One board's entry in the list: its link, owning teams and any "View only" tag. */
  boardItem(name: string): Locator {
    return this.page.getByTestId('board-item').filter({ has: this.boardLink(name) });
  }

  /** Creates a board with the form (owned by `teams`, else the form's choice); the app then opens it. */
  async createBoard(name: string, teams: string[] = []): Promise<void> {
    const form = this.page.getByRole('region', { name: 'Create a board' });
    await form.getByLabel('Board name').fill(name);
    for (const team of teams) await form.getByLabel(team, { exact: true }).check();
    await form.getByRole('button', { name: 'Create board' }).click();
  }
}
