import type { Locator, Page } from 'playwright-core';
import { todayIsoDate } from '#shared/board/record';
import { BoardPage } from './BoardPage.ts';
import { CommentsPage } from './CommentsPage.ts';

export interface ActionToAdd {
  title: string;
  /** The owner's user id (the value of their option in the Owner list). */
  ownerId: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** The person's name, as the Person list shows it. */
  person: string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export type StatusLabel = 'Proposed' | 'Accepted' | 'In progress' | 'Blocked' | 'Done' | 'Cancelled';

/** The Actions view of a board (`/boards/:id/actions`): cards in columns by status. */
export class ActionsPage extends BoardPage {
  constructor(page: Page) {
    super(page);
  }

  static actionsPath(boardId: string): string {
    return `${BoardPage.path(boardId)}/actions`;
  }

  view(): Locator {
    return this.page.getByTestId('view-actions');
  }

  /** Opens the view from the board's navigation, as someone would. */
  async openFromNav(): Promise<void> {
    await this.goTo('Actions');
  }

  /** The view's "Add an action" form; only people who can change the board have it. */
  addActionForm(): Locator {
    return this.view().getByRole('region', { name: 'Add an action' });
  }

  /**
   * Adds an action with the view's "Add an action" form and waits for its card. A due date that has
   * passed is confirmed in the warning the form shows for it, as someone who means it would.
   */
  async addActionCard(action: ActionToAdd): Promise<void> {
    const details = this.view().locator('details').filter({ hasText: 'Add an action' });
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    const form = this.addActionForm();
    await form.getByLabel('Action', { exact: true }).fill(action.title);
    await form.getByLabel('Owner', { exact: true }).selectOption(action.ownerId);
    await form.getByLabel('Due date').fill(action.dueDate);
    await form.getByLabel('Person', { exact: true }).selectOption({ label: action.person });
    await form.getByRole('button', { name: 'Add action' }).click();
    if (action.dueDate < todayIsoDate()) await this.confirmPastDate(form, 'Add action with this date');
    await this.card(action.title).waitFor();
  }

  /** A status column (in the first swimlane that has it, or in `lane`). */
  column(status: StatusLabel, lane?: Locator): Locator {
    return (lane ?? this.view()).getByTestId('actions-column').filter({
      has: this.page.getByRole('heading', { name: new RegExp(`^${escape(status)} \\d+ actions?$`) }),
    });
  }

  card(title: string, within?: Locator): Locator {
    return (within ?? this.view()).getByTestId('action-card').filter({ hasText: title });
  }

  /** The status column a card is in now, by its heading. */
  async statusOf(title: string): Promise<string | null> {
    return this.card(title)
      .locator('xpath=ancestor::section[@data-testid="actions-column"]')
      .getAttribute('data-status');
  }

  moveButton(title: string): Locator {
    return this.card(title).getByRole('button', { name: `Move ${title}`, exact: true });
  }

  /** Moves a card with the keyboard only: its Move button, then Tab to the status and Enter. */
  async moveByKeyboard(title: string, to: StatusLabel): Promise<void> {
    const button = this.moveButton(title);
    await button.focus();
    if ((await button.getAttribute('aria-expanded')) !== 'true') await this.page.keyboard.press('Enter');
    const menu = this.card(title).getByRole('group', { name: `Move ${title} to` });
    await menu.waitFor();
    const option = menu.getByRole('button', { name: to, exact: true });
    // Tab through the menu until the status is focused, as a keyboard user would.
    for (let i = 0; i < 10; i += 1) {
      await this.page.keyboard.press('Tab');
      if (await option.evaluate((el) => el === el.ownerDocument.activeElement)) break;
    }
    await this.page.keyboard.press('Enter');
  }

  /** The statuses a card's Move menu offers (opening it if it is closed), in order. */
  async moveOptions(title: string): Promise<string[]> {
    const button = this.moveButton(title);
    if ((await button.getAttribute('aria-expanded')) !== 'true') await button.click();
    const menu = this.card(title).getByRole('group', { name: `Move ${title} to` });
    await menu.waitFor();
    return (await menu.getByRole('button').allTextContents()).map((t) => t.trim());
  }

  /** The labels of a select's options, in order. */
  async optionLabels(select: Locator): Promise<string[]> {
    return (await select.locator('option').allTextContents()).map((t) => t.trim());
  }

  async dragTo(title: string, to: StatusLabel): Promise<void> {
    await this.card(title).dragTo(this.column(to));
  }

  /** Opens a card's Edit dialog with the keyboard and returns the dialog. */
  async openEdit(title: string): Promise<Locator> {
    await this.card(title)
      .getByRole('button', { name: `Edit ${title}`, exact: true })
      .press('Enter');
    const dialog = this.page.getByRole('dialog', { name: 'Edit action' });
    await dialog.waitFor();
    return dialog;
  }

  /** Opens a card's History dialog with the keyboard and returns the dialog. */
  async openCardHistory(title: string): Promise<Locator> {
    await this.card(title)
      .getByRole('button', { name: `History of ${title}`, exact: true })
      .press('Enter');
    const dialog = this.page.getByRole('dialog', { name: `History of ${title}` });
    await dialog.waitFor();
    return dialog;
  }

  /** A card's Comments button, whatever its count ("Comments (2) on <title>"). */
  commentsButton(title: string): Locator {
    return this.card(title).getByRole('button', {
      name: new RegExp(`^Comments( \\(\\d+\\))? on ${escape(title)}$`),
    });
  }

  /**
   * How many comments a card shows on its Comments button (0 when it shows none), checked against
   * the button's name ("Comments (2) on <title>"). The card is scrolled into view first, as someone
   * would look at it (cards out of view are not laid out).
   */
  async commentCount(title: string): Promise<number> {
    const button = this.commentsButton(title);
    await button.scrollIntoViewIfNeeded();
    const tag = button.getByTestId('comment-count');
    const shown = (await tag.count()) === 0 ? 0 : Number((await tag.textContent())?.trim());
    const named = shown === 0 ? `Comments on ${title}` : `Comments (${shown}) on ${title}`;
    if ((await this.card(title).getByRole('button', { name: named, exact: true }).count()) !== 1) return NaN;
    return shown;
  }

  /** Opens a card's comments with the keyboard and returns the thread in their dialog. */
  async openComments(title: string): Promise<CommentsPage> {
    await this.commentsButton(title).press('Enter');
    const comments = CommentsPage.ofAction(this.page, title);
    await comments.scope.waitFor();
    return comments;
  }

  /** Whether the focused element is the given control of a card ("Move", "Edit", "History"). */
  async focusIsOn(title: string, control: 'Move' | 'Edit' | 'History'): Promise<boolean> {
    const name = control === 'History' ? `History of ${title}` : `${control} ${title}`;
    return this.card(title)
      .getByRole('button', { name, exact: true })
      .evaluate((el) => el === el.ownerDocument.activeElement);
  }

  /** The polite announcement of the last move. */
  announcement(): Locator {
    return this.page.getByTestId('actions-announcement');
  }

  summary(): Locator {
    return this.page.getByTestId('actions-summary');
  }

  filters(): Locator {
    return this.page.getByRole('search', { name: 'Filter and group actions' });
  }

  async setFilter(filter: 'Only mine' | 'Only overdue', on: boolean): Promise<void> {
    await this.filters().getByLabel(filter).setChecked(on);
  }

  async chooseOrganisation(name: string): Promise<void> {
    await this.filters().getByLabel("Owner's organisation").selectOption({ label: name });
  }

  async choosePerson(name: string): Promise<void> {
    await this.filters().getByLabel('Person', { exact: true }).selectOption({ label: name });
  }

  async groupBy(label: 'Nothing: one set of columns' | "Owner's organisation" | 'Person'): Promise<void> {
    await this.filters().getByLabel('Group by').selectOption({ label });
  }

  async clearFilters(): Promise<void> {
    await this.filters().getByRole('button', { name: 'Clear filters' }).click();
  }

  /** The titles of the cards on show, in page order. */
  async titles(): Promise<string[]> {
    const titles = await this.view().getByTestId('action-title').allTextContents();
    return titles.map((t) => t.trim());
  }

  lane(name: string): Locator {
    return this.view()
      .getByTestId('actions-lane')
      .filter({ has: this.page.getByRole('heading', { level: 3, name: new RegExp(`^${escape(name)}`) }) });
  }

  async laneNames(): Promise<string[]> {
    const names = await this.view().locator('[data-testid="actions-lane"] > h3').allTextContents();
    return names.map((n) => n.replace(/\s+\d+ actions?$/, '').trim());
  }

  /** Controls that change actions (move, accept, edit) and cards that can be dragged. */
  changeControls(): Locator {
    return this.view().getByRole('button', { name: /^(Move|Accept|Edit)\b/ });
  }

  draggableCards(): Locator {
    return this.view().locator('[data-testid="action-card"][draggable="true"]');
  }
}
