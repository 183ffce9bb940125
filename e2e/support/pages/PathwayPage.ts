import type { Locator, Page } from 'playwright-core';
import { BoardPage } from './BoardPage.ts';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The heading of the column of people not on the pathway yet. */
export const NOT_ON_PATHWAY = 'Not on the pathway yet';

/** A board's pathway at `/boards/:id/pathway`: a column per stage with a card per person. */
export class PathwayPage {
  readonly board: BoardPage;

  constructor(readonly page: Page) {
    this.board = new BoardPage(page);
  }

  static path(boardId: string): string {
    return `${BoardPage.path(boardId)}/pathway`;
  }

  /** Opens the pathway and waits until the board is live. */
  async open(boardId: string): Promise<void> {
    await this.page.goto(PathwayPage.path(boardId));
    await this.view().waitFor();
    await this.board.waitUntilLive();
  }

  /** Goes to the pathway from another view of the board, by its link. */
  async openFromNav(): Promise<void> {
    await this.board.goTo('Pathway');
  }

  view(): Locator {
    return this.page.getByTestId('view-pathway');
  }

  /** The empty state of a pathway with no stages. */
  empty(): Locator {
    return this.page.getByTestId('pathway-empty');
  }

  /** One column, by its heading: a stage's name, or `NOT_ON_PATHWAY`. */
  column(name: string): Locator {
    return this.page
      .getByTestId('pathway-column')
      .filter({ has: this.page.getByRole('heading', { level: 3, name, exact: true }) });
  }

  /** The column headings, left to right. */
  columnNames(): Promise<string[]> {
    return this.page
      .getByTestId('pathway-column')
      .locator('h3')
      .allTextContents()
      .then((names) => names.map((name) => name.trim()));
  }

  /** "3 people", or "4 of 5" when the stage has a limit. */
  count(stage: string): Locator {
    return this.column(stage).getByTestId('pathway-count').locator('span').first();
  }

  overLimit(stage: string): Locator {
    return this.column(stage).getByTestId('pathway-over-limit');
  }

  /** A person's card, wherever it is. */
  card(name: string): Locator {
    return this.page
      .getByTestId('pathway-card')
      .filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  cardIn(stage: string, name: string): Locator {
    return this.column(stage)
      .getByTestId('pathway-card')
      .filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  /** The names on the cards in one column, top to bottom. */
  namesIn(stage: string): Promise<string[]> {
    return this.column(stage)
      .getByTestId('pathway-card')
      .locator('h4')
      .allTextContents()
      .then((names) => names.map((name) => name.trim()));
  }

  /** The "Stage of <name>" control on a person's card. */
  stageControl(name: string): Locator {
    return this.page.getByLabel(`Stage of ${name}`, { exact: true });
  }

  /** Every control that moves a person; a viewer has none. */
  moveControls(): Locator {
    return this.page.getByLabel(/^Stage of /);
  }

  /** Moves someone with the keyboard: their Stage control, then Tab to Move and Enter. */
  async moveByKeyboard(name: string, stage: string): Promise<void> {
    const control = this.stageControl(name);
    await control.focus();
    await control.selectOption({ label: stage });
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.press('Enter');
  }

  /**
   * Drags a person's card onto a column. The columns scroll sideways; as someone with a mouse would,
   * bring the column into view first, then drag the card onto its heading.
   */
  async drag(name: string, stage: string): Promise<void> {
    const target = this.column(stage);
    await target.scrollIntoViewIfNeeded();
    await this.card(name).dragTo(target, { targetPosition: { x: 30, y: 20 } });
  }

  /** The element that has focus. */
  focusedElement(): Locator {
    return this.page.locator(':focus');
  }

  /** The heading of the column holding the focused element, and the label of that element. */
  async focused(): Promise<{ column: string | null; label: string | null }> {
    const focused = this.focusedElement();
    if ((await focused.count()) !== 1) return { column: null, label: null };
    const column = this.page.getByTestId('pathway-column').filter({ has: focused });
    const id = await focused.getAttribute('id');
    const label = id ? this.page.locator(`label[for="${id}"]`) : null;
    const text = async (locator: Locator | null): Promise<string | null> =>
      locator && (await locator.count()) === 1
        ? ((await locator.textContent())?.replace(/\s+/g, ' ').trim() ?? null)
        : null;
    return { column: await text(column.locator('h3')), label: await text(label) };
  }

  /** What was last said to screen readers about a move. */
  announcement(): Locator {
    return this.view().locator(':scope > [role="status"]');
  }

  problem(): Locator {
    return this.view().locator(':scope > [role="alert"]');
  }

  // Changing the stages

  settings(): Locator {
    return this.page.getByTestId('pathway-stages');
  }

  /** Opens "Change the stages" when it is closed. */
  async openSettings(): Promise<void> {
    const settings = this.settings();
    if ((await settings.getAttribute('open')) === null) {
      await settings.getByText('Change the stages', { exact: true }).click();
    }
    await settings.getByRole('button', { name: 'Add stage' }).waitFor();
  }

  /** One stage's row in the settings, by the stage's name. */
  stageRow(name: string): Locator {
    return this.page.getByTestId('pathway-stage').filter({
      has: this.page.getByRole('heading', {
        level: 4,
        name: new RegExp(`^\\d+\\. ${escapeRegExp(name)} \\(`),
      }),
    });
  }

  /** Renames a stage and sets its limit ('' for none), then saves. */
  async changeStage(name: string, change: { name?: string; limit?: string }): Promise<void> {
    const row = this.stageRow(name);
    if (change.name !== undefined) await row.getByLabel('Stage name').fill(change.name);
    if (change.limit !== undefined) await row.getByLabel('Limit (optional)').fill(change.limit);
    await row.getByRole('button', { name: `Save changes to ${name}` }).click();
  }

  async moveStage(name: string, direction: 'left' | 'right'): Promise<void> {
    await this.stageRow(name)
      .getByRole('button', { name: `Move ${direction} the stage ${name}` })
      .click();
  }

  async removeStage(name: string): Promise<void> {
    await this.stageRow(name)
      .getByRole('button', { name: `Remove the stage ${name}` })
      .click();
  }

  /** The form that adds a stage at the end of the pathway. */
  addStageForm(): Locator {
    return this.settings()
      .locator('form')
      .filter({ has: this.page.getByRole('button', { name: 'Add stage' }) });
  }

  async addStage(name: string, limit = ''): Promise<void> {
    const form = this.addStageForm();
    await form.getByLabel('Stage name').fill(name);
    await form.getByLabel('Limit (optional)').fill(limit);
    await form.getByRole('button', { name: 'Add stage' }).click();
  }
}
