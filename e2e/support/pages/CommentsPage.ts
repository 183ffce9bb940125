import type { Locator, Page } from 'playwright-core';

/**
 * One comment thread: an action's (in its Comments dialog, opened from its card) or a person's (the
 * Comments section of their page). Everything is looked for inside the thread.
 */
export class CommentsPage {
  constructor(
    readonly page: Page,
    readonly scope: Locator,
  ) {}

  /** The Comments dialog of the action with this title, open or not yet. */
  static ofAction(page: Page, title: string): CommentsPage {
    return new CommentsPage(page, page.getByRole('dialog', { name: `Comments: ${title}`, exact: true }));
  }

  /** The Comments section of the person page on screen. */
  static ofPerson(page: Page): CommentsPage {
    return new CommentsPage(page, page.getByTestId('person-comments'));
  }

  /** The box to write a comment in (it has the list of people to mention). */
  box(): Locator {
    return this.scope.getByRole('textbox', { name: 'Add a comment', exact: true });
  }

  /** Anything a viewer must not have: a box to type in, or a button that adds, edits or withdraws. */
  writeControls(): Locator {
    return this.scope
      .locator('textarea, input')
      .or(this.scope.getByRole('button', { name: /^(Add comment|Edit|Withdraw|Save)\b/ }));
  }

  /** The line that tells a viewer they can read but not comment. */
  readOnlyNote(): Locator {
    return this.scope.getByTestId('comments-read-only');
  }

  mentionList(): Locator {
    return this.scope.getByRole('listbox', { name: 'Team members to mention' });
  }

  mentionOption(name: string): Locator {
    return this.mentionList().getByRole('option').filter({ hasText: name });
  }

  /** What the list's live region says ("1 person matches"). */
  mentionStatus(): Locator {
    return this.scope.getByTestId('mention-status');
  }

  comments(): Locator {
    return this.scope.getByTestId('comment');
  }

  /** The comment by `author` (the first, or the one that says `text`). */
  comment(author: string, text?: string): Locator {
    const by = this.comments().filter({
      has: this.page.getByTestId('comment-author').getByText(author, { exact: true }),
    });
    return (text ? by.filter({ hasText: text }) : by).first();
  }

  /** A comment's words as shown (not its earlier versions). */
  async bodyOf(comment: Locator): Promise<string> {
    return comment.getByTestId('comment-body').first().innerText();
  }

  async isFocused(locator: Locator): Promise<boolean> {
    return locator.evaluate((el) => el === el.ownerDocument.activeElement);
  }

  /**
   * Writes and adds a comment with the mouse (no mentions picked from the list), and waits until it
   * has reached the server (it no longer says Pending).
   */
  async add(text: string): Promise<void> {
    await this.box().fill(text);
    await this.scope.getByRole('button', { name: 'Add comment', exact: true }).click();
    const added = this.comments().filter({ hasText: text }).first();
    await added.waitFor();
    await added.getByTestId('pending').waitFor({ state: 'detached' });
  }

  /** The same comment whatever it comes to say (a locator by its words would lose it). */
  async pinned(comment: Locator): Promise<Locator> {
    const id = await comment.getAttribute('data-comment-id');
    return this.scope.locator(`[data-testid="comment"][data-comment-id="${id}"]`);
  }

  /** Changes one's own comment with its Edit button and the form that takes its place. */
  async edit(found: Locator, text: string): Promise<void> {
    const comment = await this.pinned(found);
    await comment.getByRole('button', { name: 'Edit your comment', exact: true }).click();
    const box = comment.getByRole('textbox', { name: 'Change your comment', exact: true });
    await box.fill(text);
    await comment.getByRole('button', { name: 'Save', exact: true }).click();
    await box.waitFor({ state: 'detached' });
  }

  /** Withdraws one's own comment, confirming it in the question that follows. */
  async withdraw(found: Locator): Promise<void> {
    const comment = await this.pinned(found);
    await comment.getByRole('button', { name: 'Withdraw your comment', exact: true }).click();
    await comment.getByRole('button', { name: 'Withdraw comment', exact: true }).click();
    await comment.getByTestId('comment-withdrawn').waitFor();
  }
}
