import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAILTY_BOARD, FRAILTY_TEAM, demo, type DemoUser } from './support/demoUsers.ts';
import { useScenario, textOf } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { BoardsPage } from './support/pages/BoardsPage.ts';
import { SignInPage } from './support/pages/SignInPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

describe('who can open and change a board', () => {
  const scenario = useScenario();
  const actor = (user: DemoUser, startPath = '/') => scenario.signedIn(user, startPath);

  it('a member signs in and edits; a viewer sees the edit live and cannot change anything', async () => {
    const board = await scenario.server.createBoard(unique('E2E access'));
    const boardPath = BoardPage.path(board.id);
    // Opening the board signed out asks for a sign-in, then comes back to the board.
    const grace = new BoardPage((await actor(demo.grace, boardPath)).page);
    const helen = new BoardPage((await actor(demo.helen, boardPath)).page);
    expect(pathOf(grace.page.url())).toBe(boardPath);
    await Promise.all([grace.heading(board.name).waitFor(), helen.heading(board.name).waitFor()]);
    await Promise.all([grace.waitUntilLive(), helen.waitUntilLive()]);

    await expect.poll(textOf(helen.viewOnly())).toContain('View only');
    await expect.poll(textOf(helen.viewOnly())).toContain('cannot add or change people, goals or actions');
    expect(await grace.viewOnly().count()).toBe(0);
    await grace.peer(demo.helen.name).waitFor();
    await expect.poll(textOf(grace.peer(demo.helen.name))).toContain(demo.helen.organisation);

    const person = unique('Stanley Hughes');
    await grace.addPerson({ name: person });
    const graceActions = new ActionsPage(grace.page);
    const helenActions = new ActionsPage(helen.page);
    await Promise.all([graceActions.openFromNav(), helenActions.openFromNav()]);
    const title = unique('Arrange befriending visits');
    await graceActions.addActionCard({ title, ownerId: demo.grace.id, dueDate: '2099-11-30', person });
    await helenActions.card(title).waitFor();
    // Grace owns it and agreed it herself, so it starts accepted.
    await expect.poll(() => helenActions.statusOf(title)).toBe('accepted');
    await graceActions.moveByKeyboard(title, 'Done');
    await expect.poll(() => helenActions.statusOf(title)).toBe('done');

    // The viewer has no way to change the board: no forms, no move, edit or accept buttons, no dragging.
    expect(await helenActions.changeControls().count()).toBe(0);
    expect(await helenActions.draggableCards().count()).toBe(0);
    expect(await helen.page.getByRole('button', { name: `History of ${title}` }).count()).toBe(1);
    expect(await graceActions.changeControls().count()).toBeGreaterThan(0);
    await helen.goTo('Handover');
    expect(await helen.addPersonControl().count()).toBe(0);

    // The board list says the same.
    const list = new BoardsPage(helen.page);
    await list.open();
    await expect.poll(textOf(list.boardItem(board.name))).toContain('View only');
  });

  it('shows the history of an action, keeping hostile text as text', async () => {
    const board = await scenario.server.createBoard(unique('E2E history'));
    const grace = new BoardPage((await actor(demo.grace, BoardPage.path(board.id))).page);
    await grace.waitUntilLive();
    const person = unique('Edith Clarke');
    await grace.addPerson({ name: person });
    const actions = new ActionsPage(grace.page);
    await actions.openFromNav();
    const title = unique('<img src=x onerror="window.__pwned=1"> Review medicines');
    await actions.addActionCard({ title, ownerId: demo.grace.id, dueDate: '2099-10-01', person });
    await actions.moveByKeyboard(title, 'Done');
    await expect.poll(() => actions.statusOf(title)).toBe('done');
    // The trail is written as the server stores the change; wait until it has, then look.
    const actionId = await actions.card(title).getAttribute('data-action-id');
    const cookie = await scenario.server.signIn(demo.grace.email);
    const historyUrl = `${scenario.server.url}/api/boards/${board.id}/history?recordType=actions&recordId=${actionId}`;
    await expect
      .poll(async () =>
        (await (await fetch(historyUrl, { headers: { Cookie: cookie } })).text()).includes('"done"'),
      )
      .toBe(true);

    const history = await actions.openCardHistory(title);
    const change = (field: string) =>
      history
        .getByTestId('history-entry')
        .filter({ has: grace.page.getByRole('cell', { name: field, exact: true }) });
    await expect.poll(textOf(change('Status').first())).toContain('Done');
    await expect.poll(textOf(change('Status').first())).toContain(demo.grace.name);
    await expect.poll(textOf(change('Action').first())).toContain(title);
    expect(await grace.page.locator('img[src="x"]').count()).toBe(0);
    expect(await grace.page.evaluate('typeof window.__pwned')).toBe('undefined');

    // Escape closes the dialog and gives focus back to the button that opened it.
    await grace.page.keyboard.press('Escape');
    await history.waitFor({ state: 'hidden' });
    await expect.poll(textOf(grace.page.locator(':focus'))).toBe(`History of ${title}`);
  });

  it('applies access changes to an open board at once: a member made viewer, a member taken off the team', async () => {
    const board = await scenario.server.createBoard(unique('E2E access change'));
    const boardPath = BoardPage.path(board.id);
    const lucy = new BoardPage((await actor(demo.lucy, boardPath)).page);
    const dan = new BoardPage((await actor(demo.dan, boardPath)).page);
    await Promise.all([lucy.waitUntilLive(), dan.waitUntilLive()]);
    await lucy.addPersonControl().waitFor();
    expect(await lucy.viewOnly().count()).toBe(0);
    const person = unique('Harold Bennett');
    await lucy.addPerson({ name: person });
    await dan.page.getByTestId('handover-person').filter({ hasText: person }).waitFor();

    const membership = (user: DemoUser) => `/api/teams/${FRAILTY_TEAM.id}/members/${user.id}`;
    try {
      expect((await scenario.server.asAdmin('PUT', membership(demo.lucy), { role: 'viewer' })).status).toBe(
        200,
      );
      await expect.poll(textOf(lucy.viewOnly())).toContain('View only');
      await lucy.addPersonControl().waitFor({ state: 'detached' });
      await lucy.waitUntilLive();

      expect((await scenario.server.asAdmin('DELETE', membership(demo.dan))).status).toBe(200);
      await dan.noAccessHeading().waitFor();
      expect(await dan.page.getByTestId('handover-person').count()).toBe(0);
    } finally {
      await scenario.server.asAdmin('PUT', membership(demo.lucy), { role: 'member' });
      await scenario.server.asAdmin('PUT', membership(demo.dan), { role: 'member' });
    }
    // Given access again, the board opens without a reload.
    await dan.heading(board.name).waitFor();
    await dan.waitUntilLive();
  });

  it('tells someone from another team that they have no access to the board', async () => {
    const nina = new BoardPage((await actor(demo.nina)).page);
    await nina.page.goto(BoardPage.path(FRAILTY_BOARD.id));
    await nina.noAccessHeading().waitFor();
    await expect
      .poll(textOf(nina.page.getByTestId('board-no-access')))
      .toContain('ask a facilitator of the team that owns it');
    expect(await nina.page.getByTestId('action-row').count()).toBe(0);
    expect(await nina.heading(FRAILTY_BOARD.name).count()).toBe(0);
  });

  it('signing out returns to the sign-in page, ends the session in other tabs, and the board then asks to sign in', async () => {
    const grace = await actor(demo.grace, BoardPage.path(FRAILTY_BOARD.id));
    const board = new BoardPage(grace.page);
    await board.waitUntilLive();
    const otherTab = new BoardPage(await grace.newPage());
    await otherTab.open(FRAILTY_BOARD.id, FRAILTY_BOARD.name);
    await otherTab.waitUntilLive();

    await grace.page.getByRole('button', { name: 'Sign out' }).click();
    const signIn = new SignInPage(grace.page);
    await signIn.heading().waitFor();
    await expect.poll(textOf(signIn.notice())).toContain('You have been signed out');

    // The other tab learns from the server that the session has ended.
    const otherSignIn = new SignInPage(otherTab.page);
    await otherSignIn.heading().waitFor();
    await expect.poll(textOf(otherSignIn.notice())).toContain('signed out');

    await grace.page.goto(BoardPage.path(FRAILTY_BOARD.id));
    await signIn.heading().waitFor();
    const asked = new URL(grace.page.url());
    expect(asked.pathname).toBe('/sign-in');
    expect(asked.searchParams.get('returnTo')).toBe(BoardPage.path(FRAILTY_BOARD.id));
    expect(await board.heading(FRAILTY_BOARD.name).count()).toBe(0);
  });

  it('asks someone who follows a link to a board to sign in, and brings them back to the board', async () => {
    const visitor = await scenario.visitor(demo.grace.name);
    await visitor.page.goto(BoardPage.path(FRAILTY_BOARD.id));
    await new SignInPage(visitor.page).signInAs(demo.grace);
    const board = new BoardPage(visitor.page);
    await board.heading(FRAILTY_BOARD.name).waitFor();
    await board.waitUntilLive();
    expect(new URL(visitor.page.url()).pathname).toBe(BoardPage.path(FRAILTY_BOARD.id));
  });

  it('shows the reason a sign-in was refused', async () => {
    const visitor = await scenario.visitor('visitor');
    const signIn = new SignInPage(visitor.page);
    await signIn.open();
    await signIn.submit(demo.priya.email, 'not-the-password');
    await expect.poll(textOf(signIn.errorSummary())).toContain('The email address or password is not right');
    await signIn.submit('', '');
    await expect.poll(textOf(signIn.errorSummary())).toContain('Enter an email address');
    await expect.poll(textOf(signIn.errorSummary())).toContain('Enter your password');

    // A failed single sign-on comes back with its reason, which is shown as text.
    await visitor.page.goto(`/sign-in?error=${encodeURIComponent('<b>Your account is not set up</b>')}`);
    await expect.poll(textOf(signIn.errorSummary())).toContain('<b>Your account is not set up</b>');
    expect(await signIn.errorSummary().locator('b').count()).toBe(0);
  });
});
