import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, demo } from './support/demoUsers.ts';
import { textOf, useScenario } from './support/scenario.ts';
import { HandoverPage } from './support/pages/HandoverPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { keptApiPaths, keptBoardsHold, servedByAppCache } from './support/offline.ts';
import {
  expireKeptView,
  keptViewKeys,
  keptViewOf,
  keptViewSeen,
  watchKeptViews,
} from './support/keptView.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

/** How long the app's scripts are held back on a first visit, as on a slow connection. */
const SCRIPTS_LATE_MS = 1_500;

describe('the handover, worked on together', () => {
  const scenario = useScenario();

  async function openBoard(...users: (typeof demo)[keyof typeof demo][]) {
    const board = await scenario.server.createBoard(unique('E2E handover'));
    const pages = await Promise.all(
      users.map(
        async (user) => new HandoverPage((await scenario.signedIn(user, BoardPage.path(board.id))).page),
      ),
    );
    await Promise.all(pages.map((page) => page.waitUntilLive()));
    return { board, pages };
  }

  it('lists people by risk then name, and shows who is working on whom, coloured by organisation', async () => {
    const { pages } = await openBoard(demo.grace, demo.tom, demo.priya);
    const [grace, tom, priya] = pages as [HandoverPage, HandoverPage, HandoverPage];
    await grace.view().getByTestId('handover-empty').waitFor();
    const suffix = randomUUID().slice(0, 6);
    const names = {
      amber: `Harold Bennett ${suffix}`,
      redB: `Margaret Ellis ${suffix}`,
      redA: `Edith Clarke ${suffix}`,
      none: `Stanley Hughes ${suffix}`,
    };
    await grace.addPerson({ name: names.amber, risk: 'amber', riskReason: 'Carer in hospital' });
    await grace.addPerson({ name: names.redB, risk: 'red', riskReason: 'Two falls in a month' });
    await grace.addPerson({ name: names.none });
    await grace.addPerson({ name: names.redA, risk: 'red', riskReason: 'Not eating' });
    const expected = [names.redA, names.redB, names.amber, names.none];
    await expect.poll(() => grace.names()).toEqual(expected);
    await expect.poll(() => tom.names()).toEqual(expected);

    // Grace works on Margaret: Tom and Priya see it on Margaret's row and beside Grace's name.
    const panel = await grace.expand(names.redB);
    await panel.getByLabel('Situation', { exact: true }).focus();
    const editors = tom.person(names.redB).getByTestId('editors');
    await expect.poll(textOf(editors)).toContain(demo.grace.name);
    await expect
      .poll(textOf(tom.peer(demo.grace.name).getByTestId('peer-editing')))
      .toBe(`, Working on ${names.redB}`);
    expect(await tom.person(names.redA).getByTestId('editors').count()).toBe(0);

    // Colours follow organisations: Grace and Priya share one, Tom's differs.
    const colour = (page: HandoverPage, name: string) =>
      page.peer(name).locator('.board-peer__avatar').getAttribute('style');
    await priya.peer(demo.tom.name).waitFor();
    await tom.peer(demo.priya.name).waitFor();
    expect(await colour(tom, demo.grace.name)).toBe(await colour(tom, demo.priya.name));
    expect(await colour(priya, demo.tom.name)).not.toBe(await colour(tom, demo.grace.name));
    expect(await editors.locator('.board-editors__avatar').getAttribute('style')).toBe(
      await colour(tom, demo.grace.name),
    );

    // Leaving the person clears it for everyone.
    await grace.page.getByRole('heading', { name: 'Handover', level: 2 }).click();
    await grace.page.locator('body').click({ position: { x: 5, y: 5 } });
    await expect.poll(() => editors.count()).toBe(0);
  });

  it('fits the screen: a person opened for the handover, with the quick entry of an action, never scrolls the page sideways', async () => {
    const { pages } = await openBoard(demo.grace);
    const [grace] = pages as [HandoverPage];
    const name = unique('Margaret Ellis');
    await grace.addPerson({ name });
    const panel = await grace.expand(name);
    // The owner list names each member with their profession and organisation: its longest option
    // is what once widened the panel past the page.
    const owner = panel
      .getByRole('region', { name: `Add an action for ${name}` })
      .getByLabel('Owner', { exact: true });
    await expect.poll(() => owner.locator('option').count()).toBeGreaterThan(2);
    const sideways = () => grace.sidewaysScroll();
    for (const width of [1280, 1024, 400]) {
      await grace.page.setViewportSize({ width, height: 900 });
      await expect.poll(sideways, { message: `at ${width}px wide`, timeout: 10_000 }).toBe(0);
    }
  });

  it('merges two people typing in the same SBAR field character by character', async () => {
    const { pages } = await openBoard(demo.grace, demo.tom);
    const [grace, tom] = pages as [HandoverPage, HandoverPage];
    const name = unique('Margaret Ellis');
    await grace.addPerson({ name, risk: 'red', riskReason: 'Falls' });
    await Promise.all([
      grace.expand(name),
      tom
        .person(name)
        .waitFor()
        .then(() => tom.expand(name)),
    ]);
    const mine = grace.sharedText(name, 'Assessment');
    const theirs = tom.sharedText(name, 'Assessment');
    await mine.fill('Falls risk high.');
    await expect.poll(() => theirs.inputValue()).toBe('Falls risk high.');

    await mine.focus();
    await grace.page.keyboard.press('Home');
    await theirs.focus();
    await tom.page.keyboard.press('End');
    await Promise.all([
      grace.page.keyboard.type('GP: review sedative. ', { delay: 15 }),
      tom.page.keyboard.type(' OT: stairs unsafe.', { delay: 15 }),
    ]);
    const merged = 'GP: review sedative. Falls risk high. OT: stairs unsafe.';
    await expect.poll(() => mine.inputValue()).toBe(merged);
    await expect.poll(() => theirs.inputValue()).toBe(merged);
  });

  it('undoes and redoes only your own changes, never someone else’s', async () => {
    const { pages } = await openBoard(demo.grace, demo.tom);
    const [grace, tom] = pages as [HandoverPage, HandoverPage];
    const name = unique('Stanley Hughes');
    await grace.addPerson({ name });
    await Promise.all([
      grace.expand(name),
      tom
        .person(name)
        .waitFor()
        .then(() => tom.expand(name)),
    ]);
    const mine = grace.sharedText(name, 'What matters to me');
    const theirs = tom.sharedText(name, 'What matters to me');

    // Each person's words arrive as one input, so each is one undo step however slow the machine: typed
    // key by key, a pause of over half a second (a busy CI machine) would split them into two.
    // Typing key by key into one field together is the test above.
    await mine.focus();
    await grace.page.keyboard.insertText('My allotment.');
    await expect.poll(() => theirs.inputValue()).toBe('My allotment.');
    await theirs.focus();
    await tom.page.keyboard.press('End');
    await tom.page.keyboard.insertText(' Seeing friends there.');
    await expect.poll(() => mine.inputValue()).toBe('My allotment. Seeing friends there.');

    // Ctrl+Z in the shared field undoes Grace's typing, and leaves Tom's.
    await mine.focus();
    await grace.page.keyboard.press('Control+z');
    await expect.poll(() => mine.inputValue()).toBe(' Seeing friends there.');
    await expect.poll(() => theirs.inputValue()).toBe(' Seeing friends there.');
    await grace.page.getByRole('button', { name: 'Redo your last undone change' }).click();
    await expect.poll(() => theirs.inputValue()).toBe('My allotment. Seeing friends there.');
    // Tom never typed "My allotment.": his undo takes back only his own words.
    await tom.page.getByRole('button', { name: 'Undo your last change' }).click();
    await expect.poll(() => mine.inputValue()).toBe('My allotment.');
  });

  it('shows the board the server holds at once, while its live connection is still on its way, and takes edits once it connects', async () => {
    const { board, pages } = await openBoard(demo.grace);
    const grace = pages[0]!;
    const name = unique('Walter Price');
    await grace.addPerson({ name, risk: 'red', riskReason: 'Two falls this month' });
    await grace.expand(name);
    await grace.sharedText(name, 'Background').fill('Lives with his wife, who has dementia.');

    // Priya opens the board in a browser that holds nothing of it, and her board's connection is held
    // up on its way (a slow proxy): the server's snapshot shows the board meanwhile, changing nothing.
    const priya = new HandoverPage((await scenario.signedIn(demo.priya)).page);
    const held: { close(): Promise<void> }[] = [];
    let holding = true;
    await priya.page.routeWebSocket(/\/yjs\//, (socket) => {
      if (holding) held.push(socket);
      else socket.connectToServer();
    });
    // The page asks for the snapshot while the app itself is loading, and the app takes that answer up.
    const snapshotPath = `/api/boards/${board.id}/snapshot`;
    const asked: string[] = [];
    const snapshotRequests = (): number => asked.filter((path) => path === snapshotPath).length;
    let askedBeforeSession: boolean | null = null;
    priya.page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    priya.page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/auth/session')
        askedBeforeSession ??= snapshotRequests() > 0;
    });
    await priya.page.goto(BoardPage.path(board.id));
    await priya.person(name).waitFor();
    await expect.poll(textOf(priya.page.getByTestId('board-snapshot'))).toContain('Still connecting');
    expect(snapshotRequests()).toBe(1);
    expect(askedBeforeSession).toBe(true);
    expect(await priya.connectionState().textContent()).not.toBe('Live');
    expect(await priya.addPersonControl().count()).toBe(0);
    await priya.expand(name);
    await expect
      .poll(textOf(priya.readOnlyText('Background', priya.panel(name))))
      .toBe('Lives with his wife, who has dementia.');

    // The connection goes through: the board is live, and hers to change.
    holding = false;
    await Promise.all(held.map((socket) => socket.close()));
    await priya.waitUntilLive();
    await expect.poll(() => priya.page.getByTestId('board-snapshot').count()).toBe(0);
    await priya
      .sharedText(name, 'Background')
      .fill('Lives with his wife, who has dementia. Carers twice a day.');
    await expect
      .poll(() => grace.sharedText(name, 'Background').inputValue())
      .toBe('Lives with his wife, who has dementia. Carers twice a day.');

    // An answer sent for the page's first view is never taken for a later one: back on the board
    // from the list of boards, its snapshot is asked for again, and shows the board as it is now.
    await priya.page.getByRole('link', { name: 'All boards' }).click();
    await priya.page.getByRole('link', { name: board.name }).click();
    await priya.waitUntilLive();
    await expect.poll(snapshotRequests).toBe(2);
    await priya.expand(name);
    await expect
      .poll(() => priya.sharedText(name, 'Background').inputValue())
      .toBe('Lives with his wife, who has dementia. Carers twice a day.');
  });

  it('opens with no signal: a board kept from the last visit reloads offline, takes edits, and shares them later', async () => {
    const { board, pages } = await openBoard(demo.grace, demo.priya);
    const [grace, priya] = pages as [HandoverPage, HandoverPage];
    const name = unique('Doris Palmer');
    await grace.addPerson({ name, risk: 'amber', riskReason: 'Lives alone since March' });
    await priya.person(name).waitFor();
    // The app's service worker is in charge of the page. Her first visit was before it was, and what
    // the page read is kept all the same; the board's document, with Grace's person, is kept too.
    // The worker installs once per browser (it fetches the app's files first): on a busy machine, seconds.
    const installing = { timeout: 15_000 };
    await expect.poll(() => servedByAppCache(priya.page), installing).toBe(true);
    await expect
      .poll(() => keptApiPaths(priya.page), installing)
      .toEqual(expect.arrayContaining(['/api/auth/session', `/api/boards/${board.id}`]));
    await expect.poll(() => keptBoardsHold(priya.page, name), installing).toBe(true);

    // Priya loses signal and opens Huddle again: the board she had open comes back, marked offline.
    const context = priya.page.context();
    await context.setOffline(true);
    await priya.page.reload();
    await priya.person(name).waitFor();
    await expect.poll(textOf(priya.connectionState())).toBe('Offline');
    await expect.poll(textOf(priya.page.getByTestId('app-offline'))).toContain('Offline');

    // She works on, in her notes and in the board's records; nothing reaches Grace until the
    // connection returns.
    await priya.expand(name);
    await priya.sharedText(name, 'Background').fill('Daughter visits on Sundays; neighbour has a key.');
    await expect.poll(textOf(priya.page.getByTestId('pending-count'))).toBe('1 change waiting to be shared');
    const title = unique('Ask the daughter about a key safe');
    await priya.quickAddAction(name, { title, owner: demo.grace.name, dueDate: '2099-12-01' });
    await priya.openAction(name, title).getByTestId('pending').waitFor();
    await grace.expand(name);
    expect(await grace.sharedText(name, 'Background').inputValue()).toBe('');
    expect(await grace.openAction(name, title).count()).toBe(0);

    await context.setOffline(false);
    await priya.waitUntilLive();
    await expect
      .poll(() => grace.sharedText(name, 'Background').inputValue())
      .toBe('Daughter visits on Sundays; neighbour has a key.');
    await grace.openAction(name, title).waitFor();
    await expect.poll(() => priya.openAction(name, title).getByTestId('pending').count()).toBe(0);
    await expect.poll(() => priya.page.getByTestId('app-offline').count()).toBe(0);

    // Signing out forgets what was kept, as on a shared computer it must.
    await priya.page.getByRole('button', { name: 'Sign out' }).click();
    await priya.page.waitForURL(/\/sign-in/);
    await expect.poll(() => keptApiPaths(priya.page)).not.toContain('/api/auth/session');
    expect((await keptApiPaths(priya.page)).filter((path) => path.startsWith('/api/boards'))).toEqual([]);
  });

  it('opens at once as last seen: the handover shows before the app has drawn anything, then the app takes its place', async () => {
    const { board, pages } = await openBoard(demo.grace, demo.priya);
    const [grace, priya] = pages as [HandoverPage, HandoverPage];
    const name = unique('Arthur Dean');
    await grace.addPerson({ name, risk: 'red', riskReason: 'Fell twice this week' });
    await priya.person(name).waitFor();
    const path = BoardPage.path(board.id);
    // What Priya sees is kept for her next visit once the board is quiet for a moment.
    await expect.poll(() => keptViewOf(priya.page, path), { timeout: 10_000 }).toContain(name);

    // As for someone who has opened Huddle here before, the app's service worker serves the page:
    // the server's drawing, which would be shown in place of the view as last seen, is a first visit's.
    await expect.poll(() => servedByAppCache(priya.page), { timeout: 15_000 }).toBe(true);
    const context = priya.page.context();
    await watchKeptViews(context);
    const again = new HandoverPage(await context.newPage());
    await again.page.goto(path);
    await again.person(name).waitFor();
    await again.waitUntilLive();
    const seen = await keptViewSeen(again.page);
    // Shown before the app had drawn anything, in view while the app drew out of sight, marked as
    // opening (never "Live"), with the person Priya saw; then gone, the app's own page in its place.
    expect(seen.shown).toMatchObject({ appChildren: 0, appHidden: true, visible: true });
    expect(seen.shown!.text).toContain(name);
    expect(seen.shown!.connection).toContain('Opening');
    expect(seen.shown!.connection).not.toContain('Live');
    expect(seen.removedAt).toBeGreaterThan(seen.shown!.at);
    expect(await again.page.locator('#kept-view').count()).toBe(0);
    expect(await again.page.getByText(name, { exact: true }).count()).toBe(1);
    await again.page.close();

    // A view kept past the time the session could last unused is not shown.
    await expireKeptView(priya.page, path);
    const expired = await context.newPage();
    await expired.goto(path);
    await new HandoverPage(expired).person(name).waitFor();
    expect((await keptViewSeen(expired)).shown).toBeNull();
    await expired.close();

    // Signing out forgets every view kept, as on a shared computer it must.
    expect(await keptViewKeys(priya.page)).toEqual([`huddle-view:${path}`]);
    await priya.page.getByRole('button', { name: 'Sign out' }).click();
    await priya.page.waitForURL(/\/sign-in/);
    expect(await keptViewKeys(priya.page)).toEqual([]);
  });

  it('opens at once on a first visit: the server draws the board into the page, shown until the app has drawn it', async () => {
    const { board, pages } = await openBoard(demo.grace);
    const [grace] = pages as [HandoverPage];
    const name = unique('Arthur Dean');
    await grace.addPerson({ name, risk: 'red', riskReason: 'Fell twice this week' });
    // What a board holds is drawn as text, whatever it says.
    const marked = unique(
      '</template><img src=x onerror="window.__drawn=1"><script>window.__drawn=2</script>',
    );
    await grace.addPerson({ name: marked, risk: 'amber', riskReason: 'Carer away' });
    const path = BoardPage.path(board.id);

    // Priya on a computer she has never opened Huddle on: nothing kept, no service worker, and the
    // app's scripts slow to come.
    async function firstVisit(privacyScreen: boolean) {
      const visitor = await scenario.visitor(demo.priya.name);
      const signIn = await visitor.context.request.post('/api/auth/sign-in', {
        data: { email: demo.priya.email, password: DEMO_PASSWORD },
        headers: { Origin: scenario.server.url },
      });
      expect(signIn.status()).toBe(200);
      await watchKeptViews(visitor.context);
      if (privacyScreen) {
        await visitor.context.addInitScript(() => {
          (
            globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }
          ).localStorage.setItem('huddle:privacy-screen', 'on');
        });
      }
      await visitor.context.route('**/assets/*.js', async (route) => {
        await new Promise((resolve) => setTimeout(resolve, SCRIPTS_LATE_MS));
        await route.continue();
      });
      const page = new HandoverPage(visitor.page);
      await visitor.page.goto(path);
      await page.waitUntilLive();
      return { page, seen: await keptViewSeen(visitor.page) };
    }

    const first = await firstVisit(false);
    // Shown before any of the app's scripts had come, with Grace's person in it, saying it is still
    // connecting; then gone, the app's own page in its place.
    expect(first.seen.shown).toMatchObject({ appChildren: 0, appHidden: true, visible: true });
    expect(first.seen.shown!.at).toBeLessThan(SCRIPTS_LATE_MS);
    expect(first.seen.shown!.text).toContain(name);
    expect(first.seen.shown!.text).toContain(marked);
    expect(
      await first.page.page.evaluate(() => (globalThis as { __drawn?: unknown }).__drawn),
    ).toBeUndefined();
    expect(first.seen.shown!.text).toContain(demo.priya.name);
    expect(first.seen.shown!.connection).toContain('Connecting');
    expect(first.seen.shown!.connection).not.toContain('Live');
    expect(first.seen.removedAt).toBeGreaterThan(first.seen.shown!.at);
    expect(await first.page.page.locator('#kept-view').count()).toBe(0);
    expect(await first.page.page.getByText(name, { exact: true }).count()).toBe(1);
    expect(await first.page.page.title()).toBe(`Handover: ${board.name} - Huddle`);

    // The server draws with the privacy screen off: with it on in this browser, nothing of its
    // drawing is shown, nor left in the page; the app draws the board behind its screen.
    const screened = await firstVisit(true);
    expect(screened.seen.shown).toBeNull();
    await screened.page.page.getByRole('button', { name: 'Turn the privacy screen off' }).waitFor();
    expect(await screened.page.page.content()).not.toContain(name);
  });

  it('sends a board kept in the browser only what changed while its reader was away, not the whole board again', async () => {
    const { board, pages } = await openBoard(demo.grace, demo.priya);
    const [grace, priya] = pages as [HandoverPage, HandoverPage];
    const names = [1, 2, 3, 4, 5].map((n) => unique(`Resident ${n}`));
    for (const name of names) {
      await grace.addPerson({ name, risk: 'amber', riskReason: 'Two falls since the spring; lives alone' });
    }
    await priya.person(names[4]!).waitFor();
    await expect.poll(() => keptBoardsHold(priya.page, names[4]!), { timeout: 15_000 }).toBe(true);

    /** The largest message the server sends a page on the board's document connection. */
    const largestSyncMessage = (page: Page) => {
      let largest = 0;
      page.on('websocket', (socket) => {
        if (!socket.url().includes('/yjs/')) return;
        socket.on('framereceived', ({ payload }) => {
          largest = Math.max(largest, typeof payload === 'string' ? payload.length : payload.byteLength);
        });
      });
      return () => largest;
    };

    // Priya leaves; Grace adds someone meanwhile; Priya comes back to the board.
    await priya.page.goto('/');
    const added = unique('Walter Hughes');
    await grace.addPerson({ name: added, risk: 'red', riskReason: 'Pressure sore, heel' });
    const priyaReceived = largestSyncMessage(priya.page);
    await priya.page.goto(BoardPage.path(board.id));
    await priya.waitUntilLive();
    await priya.person(added).waitFor();

    // A browser that keeps nothing of the board is sent all of it.
    const fresh = new HandoverPage((await scenario.signedIn(demo.priya)).page);
    const freshReceived = largestSyncMessage(fresh.page);
    await fresh.page.goto(BoardPage.path(board.id));
    await fresh.waitUntilLive();
    await fresh.person(added).waitFor();
    expect(freshReceived()).toBeGreaterThan(0);
    expect(priyaReceived()).toBeLessThan(freshReceived() / 3);
  });

  it('keeps edits made offline, marks them pending, and shares them on reconnecting', async () => {
    const { pages } = await openBoard(demo.grace, demo.priya);
    const [grace, priya] = pages as [HandoverPage, HandoverPage];
    const name = unique('Edith Clarke');
    await grace.addPerson({ name, risk: 'red', riskReason: 'Not eating well since discharge' });
    await priya.person(name).waitFor();
    await Promise.all([grace.expand(name), priya.expand(name)]);

    const context = priya.page.context();
    await context.setOffline(true);
    await expect.poll(textOf(priya.connectionState())).toBe('Offline');
    await priya.sharedText(name, 'Background').fill('Lives with her daughter, who works full time.');
    const title = unique('Dietitian referral');
    await priya.quickAddAction(name, { title, owner: demo.grace.name, dueDate: '2099-12-01' });
    await priya.person(name).getByTestId('pending').first().waitFor();
    await priya.openAction(name, title).getByTestId('pending').waitFor();
    await expect.poll(textOf(priya.page.getByTestId('pending-count'))).toBe('2 changes waiting to be shared');
    // Nothing has reached Grace.
    expect(await grace.openAction(name, title).count()).toBe(0);
    expect(await grace.sharedText(name, 'Background').inputValue()).toBe('');

    await context.setOffline(false);
    await priya.waitUntilLive();
    await grace.openAction(name, title).waitFor();
    await expect
      .poll(() => grace.sharedText(name, 'Background').inputValue())
      .toBe('Lives with her daughter, who works full time.');
    await expect.poll(() => priya.page.getByTestId('pending').count()).toBe(0);
    expect(await priya.page.getByTestId('pending-count').count()).toBe(0);
    // The action Priya proposed for Grace waits for Grace to accept it.
    await expect.poll(textOf(grace.openAction(name, title).getByTestId('action-status'))).toBe('Proposed');
    await grace
      .openAction(name, title)
      .getByRole('button', { name: `Accept ${title}` })
      .click();
    await expect.poll(textOf(priya.openAction(name, title).getByTestId('action-status'))).toBe('Accepted');
  });

  it('keeps the board in the browser while someone is signed in, and forgets it when they sign out', async () => {
    const { board, pages } = await openBoard(demo.grace);
    const [grace] = pages as [HandoverPage];
    /** The boards this browser keeps (the page's IndexedDB databases). */
    const kept = () =>
      grace.page.evaluate(async () => {
        const { indexedDB } = globalThis as unknown as {
          indexedDB: { databases(): Promise<{ name?: string }[]> };
        };
        const names = (await indexedDB.databases()).map((db) => db.name ?? '');
        return names.filter((name) => name.startsWith('huddle-board:'));
      });
    const thisBoard = `huddle-board:${demo.grace.id}:${board.id}:`;
    await expect.poll(async () => (await kept()).filter((name) => name.startsWith(thisBoard)).length).toBe(1);
    await grace.page.getByRole('button', { name: 'Sign out' }).click();
    await grace.page.getByRole('heading', { name: 'Sign in to Huddle' }).waitFor();
    await expect.poll(kept).toEqual([]);
  });
});
