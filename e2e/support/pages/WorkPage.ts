import type { Locator, Page } from 'playwright-core';

export type WorkGroupName = 'to-accept' | 'overdue' | 'today' | 'week' | 'later';

/** My work (`/my-work`): the signed-in person's open actions across their boards, grouped. */
export class WorkPage {
  constructor(readonly page: Page) {}

  static readonly path = '/my-work';

  /** The actions listed under one group's heading. */
  group(name: WorkGroupName): Locator {
    return this.page.getByTestId(`work-group-${name}`).getByTestId('work-item');
  }

  /** The action whose title is `title`, wherever it is listed. */
  item(title: string): Locator {
    return this.page
      .getByTestId('work-item')
      .filter({ has: this.page.getByRole('link', { name: title, exact: true }) });
  }

  /** The titles listed under one group's heading, in order. */
  async titlesIn(name: WorkGroupName): Promise<string[]> {
    return this.group(name).getByRole('link').allTextContents();
  }

  /** The boards the listed actions are on, in order. */
  async boardsOf(titles: string[]): Promise<string[]> {
    return Promise.all(titles.map((title) => this.item(title).getByTestId('work-item-board').innerText()));
  }

  /** The actions the signed-in person proposed that are not yet accepted. */
  proposed(): Locator {
    return this.page.getByTestId('work-proposed').getByTestId('work-item');
  }

  async open(title: string): Promise<void> {
    await this.item(title).getByRole('link', { name: title, exact: true }).click();
  }

  async choose(label: 'Board' | 'Person' | 'Status', option: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).selectOption({ label: option });
  }
}
