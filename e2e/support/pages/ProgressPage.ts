import type { Locator, Page } from 'playwright-core';

export type HeadlineFigure =
  | 'opened'
  | 'completed'
  | 'completedOnTime'
  | 'overdue'
  | 'toAccept'
  | 'toDone'
  | 'arrivals'
  | 'steppedDown'
  | 'agreed'
  | 'achieved';

/** The progress page (`/progress`): headline figures, trends, the cross-agency view and lists behind figures. */
export class ProgressPage {
  constructor(readonly page: Page) {}

  static readonly path = '/progress';

  /** Waits until the figures are shown. */
  async ready(): Promise<void> {
    await this.page.getByTestId('progress-figure-opened').waitFor();
  }

  figure(name: HeadlineFigure): Locator {
    return this.page.getByTestId(`progress-figure-${name}`);
  }

  /** A headline figure's value as the page shows it, as a number (NaN when it is not one). */
  async valueOf(name: HeadlineFigure): Promise<number> {
    return Number(await this.figure(name).getByTestId('progress-figure-value').innerText());
  }

  async choose(label: 'Period' | 'Team' | 'Board' | "Owner's organisation", option: string): Promise<void> {
    await this.page.getByRole('search').getByLabel(label, { exact: true }).selectOption({ label: option });
  }

  /** Opens the list behind a headline figure, for the period shown. */
  async listOf(name: HeadlineFigure): Promise<void> {
    await this.figure(name)
      .getByRole('link', { name: /^List them/ })
      .click();
    await this.page.getByTestId('progress-items').waitFor();
  }

  items(): Locator {
    return this.page.getByTestId('progress-item');
  }

  async itemTitles(): Promise<string[]> {
    return this.items().getByRole('link').allTextContents();
  }
}
