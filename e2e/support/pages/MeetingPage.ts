import type { Locator, Page } from 'playwright-core';
import { BoardPage } from './BoardPage.ts';

/** A board's meeting view (`/boards/:id/meeting`): preparing, the agenda, and the meeting as it runs. */
export class MeetingPage extends BoardPage {
  constructor(page: Page) {
    super(page);
  }

  static meetingPath(boardId: string): string {
    return `${BoardPage.path(boardId)}/meeting`;
  }

  view(): Locator {
    return this.page.getByTestId('view-meeting');
  }

  /** 'none', 'planned', 'running' (a finished meeting leaves the view with none open). */
  state(): Promise<string | null> {
    return this.view().getAttribute('data-state');
  }

  async prepare(series: string): Promise<void> {
    await this.page.getByRole('combobox', { name: 'Meeting', exact: true }).fill(series);
    await this.page.getByRole('button', { name: 'Prepare the agenda' }).click();
    await this.agenda().waitFor();
  }

  agenda(): Locator {
    return this.page.getByTestId('meeting-agenda');
  }

  /** The names on the agenda in its order. */
  async agendaNames(): Promise<string[]> {
    const names = await this.agenda()
      .getByTestId('agenda-item')
      .locator('.board-meeting-agenda__name')
      .evaluateAll((els) => els.map((el) => (el.firstChild?.textContent ?? '').trim()));
    return names;
  }

  agendaItem(name: string): Locator {
    return this.agenda().getByTestId('agenda-item').filter({ hasText: name });
  }

  async mark(name: string, mark: 'Discuss' | 'Note only' | 'Not ready'): Promise<void> {
    await this.agendaItem(name)
      .getByLabel(/Before the meeting/)
      .selectOption({ label: mark });
  }

  /** The person this screen shows, large. */
  person(): Locator {
    return this.page.getByTestId('meeting-person');
  }

  async shownName(): Promise<string> {
    return ((await this.person().getByRole('heading', { level: 3 }).textContent()) ?? '').trim();
  }

  /** Seconds on the current person, as this screen's timer shows them. */
  async timerSeconds(): Promise<number> {
    return Number(await this.page.getByTestId('timer-seconds').getAttribute('data-seconds'));
  }

  follow(): Locator {
    return this.page.getByTestId('meeting-follow');
  }

  async recordOutcome(kind: string, text: string): Promise<void> {
    const outcome = this.page.getByTestId('meeting-outcome');
    await outcome.getByLabel(kind, { exact: true }).check();
    await outcome.getByLabel('What was agreed').fill(text);
    await outcome.getByRole('button', { name: 'Save outcome' }).click();
  }
}
