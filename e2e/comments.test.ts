import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { accessibilityProblems } from './support/axe.ts';
import { demo, type DemoUser } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { CommentsPage } from './support/pages/CommentsPage.ts';
import { PersonPage } from './support/pages/PersonPage.ts';
import { WorkPage } from './support/pages/WorkPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

/** The bell's unread count as the page shows it; NaN until the page has it. */
const bellCount = (page: Page) => async (): Promise<number> => {
  const unread = await page.getByTestId('bell').getAttribute('data-unread');
  return unread ? Number(unread) : NaN;
};

describe('comments and mentions', () => {
  const scenario = useScenario();

  async function onBoard(user: DemoUser, boardId: string): Promise<ActionsPage> {
    const actions = new ActionsPage((await scenario.signedIn(user, BoardPage.path(boardId))).page);
    await actions.waitUntilLive();
    return actions;
  }

  /** A new board with a person and an action for them that Grace owns, Grace on its Actions view. */
  async function boardWithAction(label: string) {
    const board = await scenario.server.createBoard(unique(`E2E comments ${label}`));
    const grace = await onBoard(demo.grace, board.id);
    const person = unique('Ada Lovell');
    await grace.addPerson({ name: person });
    const personId = await grace.page
      .getByTestId('handover-person')
      .filter({ hasText: person })
      .getAttribute('data-person-id');
    await grace.openFromNav();
    const title = unique('Book respite care');
    await grace.addActionCard({ title, ownerId: demo.grace.id, dueDate: '2099-03-01', person });
    return { board, grace, person, personId: personId!, title };
  }

  it('a comment typed with the keyboard mentions the GP, whose bell rings and whose notification opens it; edits and withdrawal reach him live', async () => {
    const { grace, title } = await boardWithAction('mention');

    // Tom is elsewhere in Huddle: My work, his bell showing its count.
    const tom = new WorkPage((await scenario.signedIn(demo.tom, WorkPage.path)).page);
    const tomsBell = bellCount(tom.page);
    await expect.poll(tomsBell).not.toBeNaN();
    const before = await tomsBell();

    // Grace opens the action's comments from its card, with the keyboard: the box has focus.
    expect(await grace.commentCount(title)).toBe(0);
    const thread = await grace.openComments(title);
    const box = thread.box();
    await expect.poll(() => thread.isFocused(box)).toBe(true);
    expect(await thread.scope.getByTestId('comments-empty').innerText()).toContain('type @ to mention');
    expect(await thread.mentionList().isVisible()).toBe(false);

    // Typing @ and the start of a name offers the team; Escape closes the list, not the dialog.
    await grace.page.keyboard.type('Respite booked for Thursday, @to');
    await thread.mentionList().waitFor();
    expect(await thread.mentionList().getByRole('option').allInnerTexts()).toEqual([
      expect.stringContaining(demo.tom.name),
    ]);
    expect(await thread.mentionOption(demo.tom.name).innerText()).toContain(demo.tom.organisation);
    expect(await box.getAttribute('aria-controls')).toBe(await thread.mentionList().getAttribute('id'));
    await expect.poll(textOf(thread.mentionStatus())).toBe('1 person matches');
    await grace.page.keyboard.press('Escape');
    await thread.mentionList().waitFor({ state: 'hidden' });
    expect(await thread.scope.isVisible()).toBe(true);
    expect(await thread.isFocused(box)).toBe(true);

    // Typing the @ again brings the list back; ArrowDown highlights Tom and Enter picks him.
    for (let i = 0; i < 3; i++) await grace.page.keyboard.press('Backspace');
    await grace.page.keyboard.type('@to');
    await thread.mentionList().waitFor();
    expect(await box.getAttribute('aria-activedescendant')).toBeNull();
    await grace.page.keyboard.press('ArrowDown');
    const option = thread.mentionOption(demo.tom.name);
    expect(await option.getAttribute('aria-selected')).toBe('true');
    expect(await box.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await grace.page.keyboard.press('Enter');
    await thread.mentionList().waitFor({ state: 'hidden' });
    expect(await box.inputValue()).toBe(`Respite booked for Thursday, @${demo.tom.name} `);
    await grace.page.keyboard.type('can you confirm meds?');
    const said = `Respite booked for Thursday, @${demo.tom.name} can you confirm meds?`;
    expect(await box.inputValue()).toBe(said);
    await grace.page.keyboard.press('Control+Enter');

    // It is in the thread, Tom's name picked out; the box is empty and ready for the next one.
    const graces = thread.comment(demo.grace.name);
    await expect.poll(() => thread.bodyOf(graces)).toBe(said);
    expect(await graces.getByTestId('comment-mention').allInnerTexts()).toEqual([`@${demo.tom.name}`]);
    expect(await graces.innerText()).toContain(demo.grace.organisation);
    expect(await box.inputValue()).toBe('');
    await expect.poll(() => thread.isFocused(box)).toBe(true);

    // Tom's bell rings without a reload; the notification takes him to the action, its comments open.
    await expect.poll(tomsBell, { timeout: 15_000 }).toBeGreaterThan(before);
    await tom.page.getByTestId('bell').click();
    const told = tom.page.getByTestId('notification').filter({ hasText: title });
    await expect.poll(() => told.innerText()).toContain(`${demo.grace.name} mentioned you in a comment`);
    await told.getByRole('link').click();
    const tomsActions = new ActionsPage(tom.page);
    await tomsActions.waitUntilLive();
    const tomsThread = CommentsPage.ofAction(tom.page, title);
    await tomsThread.scope.waitFor();
    expect(new URL(tom.page.url()).searchParams.get('comments')).toBe('open');
    const seen = tomsThread.comment(demo.grace.name);
    await expect.poll(() => tomsThread.bodyOf(seen)).toBe(said);
    // Not his to change.
    expect(await seen.getByRole('button').count()).toBe(0);
    // Both see one comment on the card.
    await expect.poll(() => tomsActions.commentCount(title)).toBe(1);
    await expect.poll(() => grace.commentCount(title)).toBe(1);

    // Grace edits it: it says Edited, and what it said first is under Earlier versions, for both.
    const changed = `Respite booked for Friday, @${demo.tom.name} can you confirm meds?`;
    await thread.edit(graces, changed);
    await expect.poll(() => thread.bodyOf(graces)).toBe(changed);
    await expect
      .poll(() => thread.isFocused(graces.getByRole('button', { name: 'Edit your comment' })))
      .toBe(true);
    await expect.poll(() => tomsThread.bodyOf(seen)).toBe(changed);
    await expect.poll(textOf(seen.getByTestId('comment-edited'))).toMatch(/^Edited/);
    const versions = seen.locator('details').filter({ hasText: 'Earlier versions' });
    await versions.locator('summary').click();
    expect(await versions.getByTestId('comment-version').allInnerTexts()).toEqual([
      expect.stringContaining(said),
    ]);

    // Grace withdraws it after saying so twice; Tom's thread says so, without its words.
    await thread.withdraw(graces);
    await expect
      .poll(textOf(seen.getByTestId('comment-withdrawn')))
      .toMatch(
        new RegExp(`^Comment withdrawn by ${demo.grace.name} on \\d{1,2} \\w+ \\d{4} at \\d\\d:\\d\\d$`),
      );
    expect(await seen.innerText()).not.toContain('Respite booked');
    expect(await graces.getByRole('button').count()).toBe(0);
    await expect.poll(() => tomsActions.commentCount(title)).toBe(0);

    // Tom closes the comments with Escape: focus is back on their button, and a reload does not reopen them.
    await tom.page.keyboard.press('Escape');
    await tomsThread.scope.waitFor({ state: 'hidden' });
    await expect.poll(() => tomsThread.isFocused(tomsActions.commentsButton(title))).toBe(true);
    await expect.poll(() => new URL(tom.page.url()).searchParams.get('comments')).toBeNull();
    expect(new URL(tom.page.url()).searchParams.get('action')).not.toBeNull();
    await tom.page.reload();
    await tomsActions.waitUntilLive();
    await tomsActions.card(title).waitFor();
    expect(await tomsThread.scope.count()).toBe(0);
  });

  it('a viewer reads the comments on an action and on a person, with nothing to write in and no Edit or Withdraw', async () => {
    const { board, grace, person, personId, title } = await boardWithAction('viewer');
    const actionNote = unique('Daughter will be at the visit');
    // Words typed and not yet added are kept when the comments close, and are there on opening again.
    const drafting = await grace.openComments(title);
    await drafting.box().fill(actionNote);
    await grace.page.keyboard.press('Escape');
    await drafting.scope.waitFor({ state: 'hidden' });
    const onAction = await grace.openComments(title);
    expect(await onAction.box().inputValue()).toBe(actionNote);
    await onAction.add(actionNote);
    expect(await onAction.box().inputValue()).toBe('');
    await grace.page.keyboard.press('Escape');
    await grace.page.goto(PersonPage.personPath(board.id, personId));
    const onPerson = CommentsPage.ofPerson(grace.page);
    const personNote = unique('Prefers morning visits');
    await onPerson.add(personNote);

    const helen = await onBoard(demo.helen, board.id);
    // The handover and the pathway count the person's comments.
    await expect
      .poll(
        textOf(
          helen.page.getByTestId('handover-person').filter({ hasText: person }).getByTestId('comment-count'),
        ),
      )
      .toBe('1 comment');
    await helen.goTo('Pathway');
    await expect
      .poll(
        textOf(
          helen.page.getByTestId('pathway-card').filter({ hasText: person }).getByTestId('comment-count'),
        ),
      )
      .toBe('1 comment');
    await helen.openFromNav();
    await expect.poll(() => helen.commentCount(title)).toBe(1);
    const helensAction = await helen.openComments(title);
    await expect.poll(() => helensAction.bodyOf(helensAction.comment(demo.grace.name))).toBe(actionNote);
    expect(await helensAction.readOnlyNote().innerText()).toBe(
      'You can read these comments. Only team members who can edit the board can comment.',
    );
    expect(await helensAction.writeControls().count()).toBe(0);
    await helen.page.keyboard.press('Escape');
    await helensAction.scope.waitFor({ state: 'hidden' });

    await helen.page.goto(`${PersonPage.personPath(board.id, personId)}#comments`);
    const helensPerson = CommentsPage.ofPerson(helen.page);
    await expect.poll(() => helensPerson.bodyOf(helensPerson.comment(demo.grace.name))).toBe(personNote);
    // The link's #comments takes her to them: their heading is where she reads from.
    const heading = helensPerson.scope.getByRole('heading', { name: 'Comments', exact: true });
    await expect.poll(() => helensPerson.isFocused(heading)).toBe(true);
    expect(await heading.isVisible()).toBe(true);
    await helensPerson.readOnlyNote().waitFor();
    expect(await helensPerson.writeControls().count()).toBe(0);
    expect(await helen.page.getByTestId('view-person').locator('textarea').count()).toBe(0);

    // The person's table of actions opens the action's comments too.
    const personPage = new PersonPage(helen.page);
    await personPage
      .actionRow(title)
      .getByRole('button', { name: `Comments (1) on ${title}`, exact: true })
      .click();
    const fromTable = CommentsPage.ofAction(helen.page, title);
    await expect.poll(() => fromTable.bodyOf(fromTable.comment(demo.grace.name))).toBe(actionNote);
    expect(await fromTable.writeControls().count()).toBe(0);
  });

  it('has no accessibility problems axe can find (of any impact) on a person page with comments, or in the comments dialog with the mention list open', async () => {
    const { board, grace, personId, title } = await boardWithAction('accessibility');
    await grace.page.goto(PersonPage.personPath(board.id, personId));
    const onPerson = CommentsPage.ofPerson(grace.page);
    // An empty comment is refused with the NHS error summary, which takes focus.
    await onPerson.scope.getByRole('button', { name: 'Add comment', exact: true }).click();
    const summary = onPerson.scope.locator('.nhsuk-error-summary');
    await expect.poll(() => onPerson.isFocused(summary)).toBe(true);
    expect(await summary.innerText()).toContain('Write the comment');
    expect(await accessibilityProblems(grace.page)).toEqual([]);
    await onPerson.add(`A note for @${demo.priya.name} about the person`);
    expect(await summary.count()).toBe(0);
    await onPerson.comment(demo.grace.name).getByTestId('comment-mention').waitFor();
    expect(await accessibilityProblems(grace.page)).toEqual([]);

    await grace.goTo('Actions');
    const thread = await grace.openComments(title);
    await thread.add('Booked for Thursday');
    await thread.edit(thread.comment(demo.grace.name), 'Booked for Friday');
    expect(await accessibilityProblems(grace.page)).toEqual([]);
    await thread.box().focus();
    await grace.page.keyboard.type('@');
    await thread.mentionList().waitFor();
    await grace.page.keyboard.press('ArrowDown');
    expect(await thread.mentionList().getByRole('option').count()).toBeGreaterThan(1);
    expect(await thread.box().getAttribute('aria-activedescendant')).not.toBeNull();
    expect(await accessibilityProblems(grace.page)).toEqual([]);
  });
});
