import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { initialsOf } from '#shared/work';
import { seriousAccessibilityProblems } from './support/axe.ts';
import { demo, type DemoUser } from './support/demoUsers.ts';
import { useScenario } from './support/scenario.ts';
import { ActionsPage } from './support/pages/ActionsPage.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { WorkPage } from './support/pages/WorkPage.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;
const DISCHARGE_TEAM = 'riverside-discharge-team';

describe('My work', () => {
  const scenario = useScenario();

  async function onBoard(user: DemoUser, boardId: string) {
    const actions = new ActionsPage((await scenario.signedIn(user, BoardPage.path(boardId))).page);
    await actions.waitUntilLive();
    return actions;
  }

  /** A new board with a person on it, and Grace on its Actions view, live. */
  async function graceWithPerson(label: string) {
    const board = await scenario.server.createBoard(unique(label));
    const grace = await onBoard(demo.grace, board.id);
    const person = unique('Ada Lovell');
    await grace.addPerson({ name: person });
    await grace.openFromNav();
    return { board, grace, person };
  }

  /** The bell's count as the page shows it; NaN until the page has it. */
  const bellCount = (page: Page) => async () => {
    const unread = await page.getByTestId('bell').getAttribute('data-unread');
    return unread ? Number(unread) : NaN;
  };

  /**
   * Grace proposes an action to Tom: it appears in his list, and his bell's count rises, without a
   * reload. Returns its title.
   */
  async function proposedToTomLive(grace: ActionsPage, tom: WorkPage, person: string, what: string) {
    const tomsBell = bellCount(tom.page);
    await expect.poll(tomsBell).not.toBeNaN();
    const before = await tomsBell();
    const title = unique(what);
    await grace.addActionCard({ title, ownerId: demo.tom.id, dueDate: '2099-02-01', person });
    await expect.poll(() => tom.titlesIn('to-accept'), { timeout: 15_000 }).toContain(title);
    await expect.poll(tomsBell, { timeout: 15_000 }).toBeGreaterThan(before);
    return title;
  }

  /** Requests the page made for the app's events over long polling (a WebSocket is not one). */
  const pollingRequests = (page: Page) =>
    page.evaluate(
      `performance.getEntriesByType('resource').filter((e) => e.name.includes('/socket.io/')).length`,
    ) as Promise<number>;

  it('brings an action proposed to the GP into his list and rings his bell live; he opens it on its board and accepts it; the matron sees it leave her proposals and is notified', async () => {
    const { board, grace, person } = await graceWithPerson('E2E my work');

    const tomActor = await scenario.signedIn(demo.tom, WorkPage.path);
    const tom = new WorkPage(tomActor.page);
    await tom.page
      .getByTestId('work-summary')
      .or(tom.page.getByRole('heading', { name: 'My work' }))
      .first()
      .waitFor();

    const title = await proposedToTomLive(grace, tom, person, 'Medication review');
    // The events came over a WebSocket from the start: the page made no long-polling requests for them.
    expect(await pollingRequests(tom.page)).toBe(0);
    expect(await tom.item(title).innerText()).toContain(board.name);
    expect(await tom.item(title).innerText()).toContain('Proposed by Grace Okafor');

    // Grace's own My work lists it as proposed, not yet accepted.
    const graceWork = new WorkPage((await scenario.signedIn(demo.grace, WorkPage.path)).page);
    await expect.poll(() => graceWork.proposed().getByRole('link').allTextContents()).toContain(title);

    // Tom opens it: the board's Actions view, drawn from the server's snapshot while the board's
    // document is on its way (held here, so that it comes second, as on a slow connection), then his
    // Accept button focused once the document has come, although the page's own focus went to the
    // main content meanwhile. He accepts.
    const held: { close(): Promise<void> }[] = [];
    let holding = true;
    await tom.page.routeWebSocket(/\/yjs\//, (socket) => {
      if (holding) held.push(socket);
      else socket.connectToServer();
    });
    await tom.open(title);
    await expect.poll(() => tom.page.getByTestId('board-snapshot').count(), { timeout: 15_000 }).toBe(1);
    holding = false;
    await Promise.all(held.map((socket) => socket.close()));
    const actions = new ActionsPage(tom.page);
    await actions.waitUntilLive();
    const accept = actions.card(title).getByRole('button', { name: `Accept ${title}` });
    await expect.poll(() => accept.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await tom.page.keyboard.press('Enter');
    await expect.poll(() => actions.statusOf(title)).toBe('accepted');

    // Back in My work it is due later, no longer waiting; Grace's proposals no longer hold it.
    await tom.page.goto(`${scenario.server.url}${WorkPage.path}`);
    await expect.poll(() => tom.titlesIn('later')).toContain(title);
    expect(await tom.titlesIn('to-accept').catch(() => [])).not.toContain(title);
    await expect
      .poll(() => graceWork.proposed().getByRole('link').allTextContents(), { timeout: 15_000 })
      .not.toContain(title);

    // Grace is told: her bell rings; the notification centre says who accepted what, and links to it.
    await expect.poll(bellCount(graceWork.page), { timeout: 15_000 }).toBeGreaterThan(0);
    await graceWork.page.getByTestId('bell').click();
    const told = graceWork.page.getByTestId('notification').filter({ hasText: title });
    await expect
      .poll(() => told.innerText())
      .toContain(`Dr Tom Reid accepted an action you proposed: ${title}`);
    expect(await told.getAttribute('data-read')).toBe('false');
    expect(await seriousAccessibilityProblems(graceWork.page)).toEqual([]);
    await graceWork.page.getByRole('button', { name: 'Mark all as read' }).click();
    await expect.poll(() => told.getAttribute('data-read')).toBe('true');
    await expect.poll(bellCount(graceWork.page)).toBe(0);
  });

  it('keeps the list and the bell live where a network refuses WebSockets, over long polling', async () => {
    const { grace, person } = await graceWithPerson('E2E my work, no WebSockets');

    // Tom's network refuses the app events' WebSocket, as some proxies do.
    const tomActor = await scenario.signedIn(demo.tom);
    await tomActor.context.addInitScript({
      content: `(() => {
        const Native = WebSocket;
        window.WebSocket = class extends Native {
          constructor(url, protocols) {
            super(String(url).includes('/socket.io/') ? 'ws://127.0.0.1:9/' : url, protocols);
          }
        };
      })();`,
    });
    const tom = new WorkPage(tomActor.page);
    await tom.page.goto(WorkPage.path);
    await proposedToTomLive(grace, tom, person, 'Falls review');
    expect(await pollingRequests(tom.page)).toBeGreaterThan(0);
  });

  it('shows a physiotherapist on two teams the actions of both boards in one list, filtered by board in the address, with no serious accessibility problems', async () => {
    const frailty = await scenario.server.createBoard(unique('E2E frailty'));
    const discharge = await scenario.server.createBoard(unique('E2E discharge'), {
      teamIds: [DISCHARGE_TEAM],
    });
    const titles = { frailty: unique('Falls review'), discharge: unique('Home exercise plan') };
    const people = { frailty: unique('Arthur Brown'), discharge: unique('Edith Clarke') };
    for (const [user, board, title, person] of [
      [demo.grace, frailty, titles.frailty, people.frailty],
      [demo.nina, discharge, titles.discharge, people.discharge],
    ] as const) {
      const actions = await onBoard(user, board.id);
      await actions.addPerson({ name: person });
      await actions.openFromNav();
      await actions.addActionCard({ title, ownerId: demo.dan.id, dueDate: '2020-01-01', person });
    }

    const dan = new WorkPage((await scenario.signedIn(demo.dan, WorkPage.path)).page);
    await expect
      .poll(() => dan.titlesIn('to-accept'), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([titles.frailty, titles.discharge]));
    expect(await dan.boardsOf([titles.frailty, titles.discharge])).toEqual([frailty.name, discharge.name]);

    await dan.choose('Board', discharge.name);
    await expect.poll(() => dan.titlesIn('to-accept')).toEqual([titles.discharge]);
    expect(new URL(dan.page.url()).searchParams.get('board')).toBe(discharge.id);
    await dan.page.reload();
    await expect.poll(() => dan.titlesIn('to-accept')).toEqual([titles.discharge]);
    expect(await seriousAccessibilityProblems(dan.page)).toEqual([]);

    // As CSV: the list as filtered, the person by initials, a title a spreadsheet would run kept as text.
    const [download] = await Promise.all([
      dan.page.waitForEvent('download'),
      dan.page.getByRole('button', { name: 'Download these actions as CSV' }).click(),
    ]);
    const saved = path.join(mkdtempSync(path.join(tmpdir(), 'huddle-csv-')), download.suggestedFilename());
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    expect(csv.split('\r\n')[0]).toBe(
      "\uFEFFGroup,Action,Status,Due date,Person (initials),Board,Owner,Owner's organisation,Proposed by",
    );
    expect(csv).toContain(
      `Waiting for you to accept,${titles.discharge},Proposed,2020-01-01,${initialsOf(people.discharge)},${discharge.name},Dan Morris,`,
    );
    expect(csv).not.toContain(titles.frailty);
    // In print: the list, without controls, forms or link addresses.
    await dan.page.emulateMedia({ media: 'print' });
    expect(await dan.page.getByRole('button').filter({ visible: true }).count()).toBe(0);
    expect(await dan.page.getByRole('combobox').filter({ visible: true }).count()).toBe(0);
    const link = dan.page.getByRole('link', { name: titles.discharge });
    expect(await link.isVisible()).toBe(true);
    expect(
      await link.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el, '::after').content),
    ).toBe('none');
    await dan.page.emulateMedia({ media: 'screen' });

    // The home page puts what needs him first, and counts his actions on each board.
    await dan.page.goto(scenario.server.url);
    await dan.page.getByTestId('work-summary-counts').waitFor();
    const item = dan.page.getByTestId('board-item').filter({ hasText: frailty.name });
    await expect
      .poll(() => item.getByTestId('board-work-count').innerText())
      .toMatch(/1 open action of yours, 1 waiting for you to accept/);
    expect(await seriousAccessibilityProblems(dan.page)).toEqual([]);
  });
});
