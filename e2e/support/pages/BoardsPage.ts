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

  /** Creates a board with the form; the app then opens it. */
  async createBoard(name: string): Promise<void> {
    await this.page.getByLabel('Board name').fill(name);
    await this.page.getByRole('button', { name: 'Create board' }).click();
  }
}
