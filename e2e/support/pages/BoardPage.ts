import type { Locator, Page } from 'playwright-core';

export interface NewPerson {
  name: string;
  nhsNumber?: string;
  /** "red", "amber" or "green"; a reason is then needed. */
  risk?: 'red' | 'amber' | 'green';
  riskReason?: string;
  /** Clinical Frailty Scale score, 1 to 9. */
  frailtyScore?: number;
}

export type BoardView = 'Handover' | 'Actions' | 'Goals' | 'Pathway' | 'History';

/** One board at `/boards/:id`, as a signed-in clinician sees it. */
export class BoardPage {
  constructor(readonly page: Page) {}

  /** Opens the board and waits for its heading (the person must already be signed in). */
  async open(boardId: string, boardName: string): Promise<void> {
    await this.page.goto(BoardPage.path(boardId));
    await this.heading(boardName).waitFor();
  }

  /** How far the page scrolls sideways: 0 when it fits the screen. */
  sidewaysScroll(): Promise<number> {
    return this.page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
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

  /** "Add a person" on the handover: only people who can change the board have it. */
  addPersonControl(): Locator {
    return this.page.getByTestId('view-handover').locator('details').filter({ hasText: 'Add a person' });
  }

  connectionState(): Locator {
    return this.page.getByTestId('connection-state').locator('.nhsuk-tag').first();
  }

  /** Waits until the board has synced with the server. */
  async waitUntilLive(): Promise<void> {
    await this.page.getByTestId('connection-state').getByText('Live', { exact: true }).waitFor();
  }

  /**
   * Waits until the browser is in the board's room for app events, so that it is told when storing
   * the board's changes falls behind (joining needs the database, as opening the board does).
   */
  async waitUntilToldOfStorage(): Promise<void> {
    await this.page
      .locator('[data-testid="storage-notice"][data-watched="true"]')
      .waitFor({ state: 'attached' });
  }

  /** Someone else on the board, by name (their avatar also shows their organisation). */
  peer(name: string): Locator {
    return this.page.getByTestId('peer').filter({ has: this.page.getByText(name, { exact: true }) });
  }

  /** The warning a form shows before saving a date that has passed (`within` the form). */
  pastDateWarning(within: Locator): Locator {
    return within.getByRole('group', { name: /is in the past$/ });
  }

  /** Confirms the date in a form's past-date warning with its button (`label`, "Save with this date"). */
  async confirmPastDate(within: Locator, label: string): Promise<void> {
    await this.pastDateWarning(within).getByRole('button', { name: label, exact: true }).click();
  }

  /** Shared text (what matters, SBAR, goal notes) as a viewer sees it: text under its label, not a box. */
  readOnlyText(label: string, within?: Locator): Locator {
    return (within ?? this.page)
      .getByTestId('shared-text')
      .filter({ has: this.page.locator('dt').getByText(label, { exact: true }) })
      .locator('dd');
  }

  /** Goes to another view of the board by its link, as a clinician would. */
  async goTo(view: BoardView): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Board views' })
      .getByRole('link', { name: view })
      .click();
    await this.page.getByTestId(`view-${view.toLowerCase()}`).waitFor();
  }

  /** Adds a person with the handover's "Add a person" form (going to the handover first) and waits for their row. */
  async addPerson(person: NewPerson): Promise<void> {
    await this.submitNewPerson(person);
    await this.page
      .getByTestId('handover-person')
      .filter({ has: this.page.getByRole('button', { name: person.name, exact: true }) })
      .waitFor();
  }

  /** Fills in and submits the handover's "Add a person" form, and returns the form. */
  async submitNewPerson(person: NewPerson): Promise<Locator> {
    if ((await this.page.getByTestId('view-handover').count()) === 0) await this.goTo('Handover');
    const details = this.addPersonControl();
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    const form = details.locator('form');
    await form.getByLabel('Name', { exact: true }).fill(person.name);
    if (person.nhsNumber) await form.getByLabel('NHS number (optional)').fill(person.nhsNumber);
    if (person.frailtyScore)
      await form.getByLabel('Clinical Frailty Scale (optional)').selectOption(String(person.frailtyScore));
    if (person.risk) {
      await form.getByRole('radio', { name: new RegExp(`^${person.risk}`, 'i') }).check();
      await form.getByLabel('Reason for the risk rating').fill(person.riskReason ?? 'Needs review');
    }
    await form.getByRole('button', { name: 'Add person' }).click();
    return form;
  }
}
