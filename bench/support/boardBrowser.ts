import type { Browser, Page } from 'playwright-core';
import { newActor, type Actor } from '../../e2e/support/browser.ts';

/**
 * Headless Chromium for the board benchmark: building the client, timing a view's first render,
 * timing a switch between views, a remote edit between two browsers, and a CPU profile of a load.
 */

/** A fresh browser profile signed in with `cookie` (the `name=value` of a session cookie). */
export async function signedInActor(
  browser: Browser,
  baseURL: string,
  cookie: string,
  name: string,
): Promise<Actor> {
  const actor = await newActor(browser, baseURL, name);
  const [cookieName, ...value] = cookie.split('=');
  await actor.context.addCookies([{ name: cookieName!, value: value.join('='), url: baseURL }]);
  // tsx compiles with esbuild's keepNames, which wraps named inner functions in `__name(fn, "name")`;
  // the functions this file sends to the page need that helper there.
  await actor.context.addInitScript({ content: 'globalThis.__name ??= (fn) => fn;' });
  await actor.context.addInitScript(installMarks);
  // The checks are polled by the page itself (pollOnFrames), not by Playwright's waitForFunction:
  // that puts Playwright's own script in the page first, some 50 ms of the page's main thread
  // while the app is loading, which a person's browser never spends.
  await actor.context.addInitScript({
    content: `globalThis.__benchChecks = { conditionHolds: ${conditionHolds.toString()}, boardIsLive: ${boardIsLive.toString()} };`,
  });
  return actor;
}

/** What tells that a view has rendered its content. */
export interface ViewCondition {
  /** `data-testid="view-<view>"` on the view's root. */
  view: string;
  /** The items to count inside the root, by `data-testid`, if any. */
  item: string | null;
  /** How many items there must be: exactly `count`, or at least `count` when `atLeast`. */
  count: number;
  atLeast: boolean;
  /** Text an `h1` or `h2` in the root must contain, if any. */
  heading: string | null;
}

export interface ViewTiming {
  rendered: boolean;
  /** Time from navigation start (or the click) until the condition held, in ms. */
  ms: number | null;
  /** Items counted when the condition held (or at the timeout). */
  items: number;
  /** Elements in the page when the condition held. */
  elements: number;
  /** When the view's root element first appeared, and its first items. */
  rootMs: number | null;
  firstItemsMs: number | null;
  /** Page-load milestones (navigation only): DOMContentLoaded, board socket open, sync data in. */
  domContentLoadedMs: number | null;
  socketOpenMs: number | null;
  syncMessageMs: number | null;
  syncMessageBytes: number | null;
  /**
   * When the board could be changed (its connection tag says Live), navigation only; what is drawn
   * first may be the server's snapshot, shown read-only until then. Null when it was not live in time.
   */
  editableMs: number | null;
  /**
   * When the view as last seen (kept in the browser, drawn by the page before the app's scripts run)
   * was painted, holding the view's root and its items: the page's first contentful paint, as the app
   * stays hidden while it shows. Navigation only; null when none showed, or it did not hold them.
   */
  keptViewMs: number | null;
  /** When the page's script put that view in the document (style, layout and paint follow). */
  keptViewInsertedMs: number | null;
  /**
   * Whether that view was drawn by the server into the page (server/src/http/firstView.ts) rather
   * than kept by this browser from an earlier visit; null when none showed.
   */
  keptViewByServer: boolean | null;
  /**
   * What the server's `Server-Timing` said it spent on the page (navigation only): gathering the
   * board's answers and drawing its first view, in ms; null when the page came without a drawing.
   */
  pageServerMs: { answers: number; draw: number } | null;
  /**
   * The app's requests during the load (navigation only): path, start and end in ms, and the bytes
   * that came over the network for each (headers and the body as sent, compressed or not; 0 for an
   * answer from the browser's cache or the service worker).
   */
  requests: { path: string; startMs: number; endMs: number; transferBytes: number }[];
  /** The page and those requests, in bytes over the network, until the view was shown. */
  transferBytes: number | null;
  /** Long tasks (> 50 ms) on the main thread up to the moment the condition held. */
  longTasks: { count: number; totalMs: number; maxMs: number };
}

interface PageMarks {
  socketOpen: number | null;
  syncMessage: number | null;
  syncBytes: number;
  longTasks: { start: number; duration: number }[];
}

interface ViewState {
  rootAt: number | null;
  itemsAt: number | null;
  items: number;
  doneAt: number | null;
  /** Elements in the whole page when the condition held. */
  elements: number;
}

/** An element, as far as the functions that run in the page use one. */
interface PageElement {
  readonly textContent: string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  click(): void;
}

interface PageSocket {
  addEventListener(type: 'open' | 'message', listener: (event: { data: unknown }) => void): void;
}

interface PageRequest<T> {
  readonly result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}

interface PageIdb {
  objectStoreNames: { contains(name: string): boolean };
  transaction(store: string): { objectStore(name: string): { getAll(): PageRequest<ArrayBufferView[]> } };
  close(): void;
}

/**
 * The browser globals the functions run in the page use (this project's Node typings have no DOM),
 * and what the bench keeps there. Those functions are sent to the page as source, so each reads
 * `globalThis` itself.
 */
interface PageGlobals {
  document: PageElement & {
    body: PageElement;
    addEventListener(type: 'keydown', listener: (event: { key: string }) => void, capture: boolean): void;
  };
  performance: {
    now(): number;
    getEntriesByType(type: 'navigation'): {
      domContentLoadedEventEnd: number;
      transferSize: number;
      serverTiming: { name: string; duration: number }[];
    }[];
    getEntriesByType(
      type: 'resource',
    ): { name: string; startTime: number; responseEnd: number; transferSize: number }[];
    getEntriesByName(name: 'first-contentful-paint'): { startTime: number }[];
  };
  MutationObserver: new (callback: () => void) => {
    observe(
      target: PageElement,
      options: { childList: boolean; subtree: boolean; characterData: boolean },
    ): void;
  };
  PerformanceObserver: new (
    callback: (list: { getEntries(): { startTime: number; duration: number }[] }) => void,
  ) => { observe(options: { type: string; buffered: boolean }): void };
  WebSocket: new (url: string | URL, protocols?: string | string[]) => PageSocket;
  navigator: { serviceWorker?: { ready: Promise<unknown> } };
  indexedDB: {
    databases(): Promise<{ name?: string }[]>;
    open(name: string): PageRequest<PageIdb>;
  };
  __benchMarks?: PageMarks;
  __benchChecks?: Record<PageCheck, (arg: unknown) => number | false>;
  requestAnimationFrame(run: () => void): void;
  setTimeout(run: () => void, ms: number): void;
  __benchView?: ViewState | undefined;
  __benchWatch?: { title: string; seenAt: number | null };
  __benchPressedAt?: number | null;
  /** Set by the page's index.html when it shows the view kept from last time. */
  huddleKeptView?: { root: PageElement; shownAt: number; drawnByServer?: boolean };
  localStorage: { getItem(key: string): string | null };
  location: { pathname: string };
}

/**
 * Runs in every page before the app: notes when the board's socket opens and when its biggest
 * message (the sync with the whole board) arrives, and every long task.
 */
function installMarks(): void {
  const page = globalThis as unknown as PageGlobals;
  const marks: PageMarks = { socketOpen: null, syncMessage: null, syncBytes: 0, longTasks: [] };
  page.__benchMarks = marks;
  const Native = page.WebSocket;
  class MarkedWebSocket extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      if (!String(url).includes('/yjs/')) return;
      this.addEventListener('open', () => {
        marks.socketOpen ??= page.performance.now();
      });
      this.addEventListener('message', (event) => {
        const bytes = event.data instanceof ArrayBuffer ? event.data.byteLength : 0;
        if (bytes > marks.syncBytes) {
          marks.syncBytes = bytes;
          marks.syncMessage = page.performance.now();
        }
      });
    }
  }
  page.WebSocket = MarkedWebSocket;
  try {
    new page.PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        marks.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long task timing in this browser.
  }
}

/** Polled on every animation frame: returns the time once the board's connection tag says Live. */
function boardIsLive(): number | false {
  const page = globalThis as unknown as PageGlobals;
  const tag = page.document.querySelector('[data-testid="connection-state"]');
  return (tag?.textContent ?? '').includes('Live') ? page.performance.now() : false;
}

/** Polled on every animation frame: returns the time once the view's condition holds. */
function conditionHolds(c: ViewCondition): number | false {
  const page = globalThis as unknown as PageGlobals;
  const state = (page.__benchView ??= { rootAt: null, itemsAt: null, items: 0, doneAt: null, elements: 0 });
  const root = page.document.querySelector(`[data-testid="view-${c.view}"]`);
  if (!root) return false;
  const now = page.performance.now();
  state.rootAt ??= now;
  let ok = true;
  if (c.item) {
    const n = root.querySelectorAll(`[data-testid="${c.item}"]`).length;
    state.items = n;
    if (n > 0) state.itemsAt ??= now;
    ok = c.atLeast ? n >= c.count : n === c.count;
  }
  if (ok && c.heading) {
    const heading = c.heading;
    ok = [...root.querySelectorAll('h1, h2')].some((h) => (h.textContent ?? '').includes(heading));
  }
  if (!ok) return false;
  state.doneAt = now;
  state.elements = page.document.querySelectorAll('*').length;
  return now;
}

export async function readTiming(
  page: Page,
  condition: ViewCondition,
  since: number,
  rendered: boolean,
  liveAt: number | null = null,
): Promise<ViewTiming> {
  const read = await page.evaluate((c) => {
    const page = globalThis as unknown as PageGlobals;
    const nav = page.performance.getEntriesByType('navigation')[0];
    // The kept view holds the condition's root and items (its test ids are renamed data-kept-testid).
    const kept = page.huddleKeptView;
    const keptRoot = kept?.root.querySelector(`[data-kept-testid="view-${c.view}"]`);
    const keptItems = c.item ? (keptRoot?.querySelectorAll(`[data-kept-testid="${c.item}"]`).length ?? 0) : 0;
    const keptHolds =
      keptRoot !== null &&
      keptRoot !== undefined &&
      (!c.item || (c.atLeast ? keptItems >= c.count : keptItems === c.count)) &&
      (!c.heading ||
        [...keptRoot.querySelectorAll('h1, h2')].some((h) => (h.textContent ?? '').includes(c.heading!)));
    // The app is hidden while the kept view shows: the page's first contentful paint is the kept view's.
    const painted = page.performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    return {
      keptInsertedAt: kept && keptHolds ? kept.shownAt : null,
      keptByServer: kept && keptHolds ? kept.drawnByServer === true : null,
      keptAt: kept && keptHolds && painted !== undefined ? Math.max(kept.shownAt, painted) : null,
      view: page.__benchView ?? null,
      marks: page.__benchMarks ?? null,
      domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
      pageBytes: nav ? nav.transferSize : 0,
      serverTiming: nav ? nav.serverTiming.map((t) => ({ name: t.name, duration: t.duration })) : [],
      requests: page.performance.getEntriesByType('resource').map((r) => ({
        path: new URL(r.name).pathname,
        start: r.startTime,
        end: r.responseEnd,
        transfer: r.transferSize,
      })),
    };
  }, condition);
  const rel = (t: number | null | undefined): number | null =>
    t === null || t === undefined ? null : round(t - since);
  const end = read.view?.doneAt ?? Infinity;
  const tasks = (read.marks?.longTasks ?? []).filter((t) => t.start >= since && t.start < end);
  const navigation = since === 0;
  const requests = read.requests
    .filter((r) => r.start < end)
    .map((r) => ({ path: r.path, startMs: round(r.start), endMs: round(r.end), transferBytes: r.transfer }));
  return {
    rendered,
    ms: rendered ? rel(read.view?.doneAt) : null,
    items: read.view?.items ?? 0,
    elements: read.view?.elements ?? 0,
    rootMs: rel(read.view?.rootAt),
    firstItemsMs: rel(read.view?.itemsAt),
    domContentLoadedMs: navigation ? rel(read.domContentLoaded) : null,
    socketOpenMs: navigation ? rel(read.marks?.socketOpen) : null,
    syncMessageMs: navigation ? rel(read.marks?.syncMessage) : null,
    syncMessageBytes: navigation ? (read.marks?.syncBytes ?? null) : null,
    editableMs: navigation ? rel(liveAt) : null,
    keptViewMs: navigation ? rel(read.keptAt) : null,
    keptViewInsertedMs: navigation ? rel(read.keptInsertedAt) : null,
    keptViewByServer: navigation ? read.keptByServer : null,
    pageServerMs: navigation ? serverDrawing(read.serverTiming) : null,
    requests: navigation ? requests : [],
    transferBytes: navigation ? read.pageBytes + requests.reduce((sum, r) => sum + r.transferBytes, 0) : null,
    longTasks: {
      count: tasks.length,
      totalMs: round(tasks.reduce((sum, t) => sum + t.duration, 0)),
      maxMs: round(Math.max(0, ...tasks.map((t) => t.duration))),
    },
  };
}

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

/** The server's drawing of the page, as its `Server-Timing` told (server/src/http/firstView.ts). */
function serverDrawing(
  timing: { name: string; duration: number }[],
): { answers: number; draw: number } | null {
  const answers = timing.find((t) => t.name === 'answers');
  const draw = timing.find((t) => t.name === 'draw');
  return answers && draw ? { answers: round(answers.duration), draw: round(draw.duration) } : null;
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError';
}

/**
 * Opens `url` in `page` and waits (polling on each animation frame) until the view's condition
 * holds; the figure is `performance.now()` in the page at that frame, the time since navigation
 * started. A view that does not render within `timeoutMs` is reported as not rendered.
 */
type PageCheck = 'conditionHolds' | 'boardIsLive';

/**
 * Runs `check` (installed in the page by signedInActor) on every animation frame until it returns a
 * time; returns that time, or null after `timeoutMs`.
 */
async function pollOnFrames(
  page: Page,
  check: PageCheck,
  arg: unknown,
  timeoutMs: number,
): Promise<number | null> {
  return page.evaluate(
    ({ check, arg, timeoutMs }) =>
      new Promise<number | null>((resolve) => {
        const inPage = globalThis as unknown as PageGlobals;
        let done = false;
        inPage.setTimeout(() => {
          done = true;
          resolve(null);
        }, timeoutMs);
        const tick = (): void => {
          if (done) return;
          const at = inPage.__benchChecks![check](arg);
          if (at === false) inPage.requestAnimationFrame(tick);
          else {
            done = true;
            resolve(at);
          }
        };
        tick();
      }),
    { check, arg, timeoutMs },
  );
}

export async function timeNavigation(
  page: Page,
  url: string,
  condition: ViewCondition,
  timeoutMs: number,
): Promise<ViewTiming> {
  await page.goto(url, { waitUntil: 'commit' });
  const rendered = (await pollOnFrames(page, 'conditionHolds', condition, timeoutMs)) !== null;
  const liveAt = rendered ? await pollOnFrames(page, 'boardIsLive', null, timeoutMs) : null;
  return readTiming(page, condition, 0, rendered, liveAt);
}

/**
 * On a page showing a board, clicks the view's link in the board's navigation (in the page, so the
 * figure has no round trip in it) and waits until the view's condition holds; the figure is the
 * time from the click.
 */
export async function timeTabSwitch(
  page: Page,
  linkText: string,
  condition: ViewCondition,
  timeoutMs: number,
): Promise<ViewTiming> {
  const clickedAt = await page.evaluate((text) => {
    const page = globalThis as unknown as PageGlobals;
    page.__benchView = undefined;
    const link = [...page.document.querySelectorAll('nav[aria-label="Board views"] a')].find(
      (a) => a.textContent?.trim() === text,
    );
    if (!link) throw new Error(`no "${text}" link in the board's navigation`);
    const at = page.performance.now();
    link.click();
    return at;
  }, linkText);
  const rendered = (await pollOnFrames(page, 'conditionHolds', condition, timeoutMs)) !== null;
  return readTiming(page, condition, clickedAt, rendered);
}

export interface EditSample {
  /** From Enter pressed in A to the action in B's page (DOM), in ms. */
  remoteMs: number;
  /** From Enter pressed in A to the action in A's own page. */
  localMs: number | null;
}

/** In a page: notes the time (Date.now) an action titled `__benchWatch.title` appears in the DOM. */
function watchActions(): void {
  const page = globalThis as unknown as PageGlobals;
  const seen = (): void => {
    const watch = page.__benchWatch;
    if (!watch || watch.seenAt !== null) return;
    for (const item of page.document.querySelectorAll('[data-testid="person-action"]')) {
      if ((item.textContent ?? '').includes(watch.title)) {
        watch.seenAt = Date.now();
        return;
      }
    }
  };
  new page.MutationObserver(seen).observe(page.document.body, {
    childList: true,
    subtree: true,
    characterData: true,
  });
  // The time just before the quick-entry form is submitted with Enter (capture: before the app).
  page.document.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter') page.__benchPressedAt = Date.now();
    },
    true,
  );
}

/**
 * The remote edit figure: A and B show the handover with the same person expanded; A adds an
 * action through the quick-entry form (Enter in the title field) and B's page notes when it
 * appears in that person's open actions. Both pages run on this machine, so Date.now() is shared.
 */
export async function remoteEdits(
  a: Page,
  b: Page,
  options: { edits: number; ownerId: string; dueDate: string; timeoutMs: number; token: string },
): Promise<{ samples: EditSample[]; failures: string[] }> {
  const first = a.locator('[data-testid="handover-person"]').first();
  const personId = await first.getAttribute('data-person-id');
  if (!personId) throw new Error('the first person in the handover has no data-person-id');
  for (const page of [a, b]) {
    const person = page.locator(`[data-testid="handover-person"][data-person-id="${personId}"]`);
    await person.locator('button[aria-expanded]').first().click();
    await person.locator('[data-testid="handover-panel"]').waitFor();
    await page.evaluate(watchActions);
  }
  const panel = a
    .locator(`[data-testid="handover-person"][data-person-id="${personId}"]`)
    .locator('[data-testid="handover-panel"]');
  const owner = panel.getByLabel('Owner', { exact: true });
  // The owner list comes from the team's members, loaded over REST.
  await owner.locator(`option[value="${options.ownerId}"]`).waitFor({ state: 'attached' });
  const samples: EditSample[] = [];
  const failures: string[] = [];
  for (let i = 1; i <= options.edits; i++) {
    const title = `Bench remote edit ${i} ${options.token}`;
    for (const page of [a, b]) {
      await page.evaluate((t) => {
        const inPage = globalThis as unknown as PageGlobals;
        inPage.__benchWatch = { title: t, seenAt: null };
        inPage.__benchPressedAt = null;
      }, title);
    }
    const titleField = panel.getByLabel('Action', { exact: true });
    await titleField.fill(title);
    await owner.selectOption(options.ownerId);
    await panel.getByLabel('Due date', { exact: true }).fill(options.dueDate);
    await titleField.press('Enter');
    try {
      const seenAt = await (
        await b.waitForFunction(
          () => (globalThis as unknown as PageGlobals).__benchWatch?.seenAt ?? false,
          null,
          {
            polling: 'raf',
            timeout: options.timeoutMs,
          },
        )
      ).jsonValue();
      const [pressedAt, localAt] = await a.evaluate(() => {
        const inPage = globalThis as unknown as PageGlobals;
        return [inPage.__benchPressedAt ?? null, inPage.__benchWatch?.seenAt ?? null];
      });
      if (pressedAt === null || typeof seenAt !== 'number') throw new Error('Enter was not seen in A');
      samples.push({ remoteMs: seenAt - pressedAt, localMs: localAt === null ? null : localAt - pressedAt });
    } catch (error) {
      if (!isTimeout(error)) throw error;
      const problem = await panel
        .locator('.nhsuk-error-summary, .nhsuk-error-message')
        .allTextContents()
        .catch(() => []);
      failures.push(
        `edit ${i} did not appear in B within ${options.timeoutMs} ms ${problem.join(' ')}`.trim(),
      );
    }
  }
  return { samples, failures };
}

/**
 * Waits until the page has kept what it shows at `path` for the next visit (client/src/lib/board/keptViews.ts),
 * as it has for someone who had the board open a moment: it keeps it once the board has been quiet for a moment.
 * False when nothing was kept in time (a view too long to keep is not).
 */
export async function waitForKeptView(page: Page, path: string, timeoutMs = 10_000): Promise<boolean> {
  return page
    .waitForFunction(
      (at) => (globalThis as unknown as PageGlobals).localStorage.getItem(`huddle-view:${at}`) !== null,
      path,
      { timeout: timeoutMs, polling: 100 },
    )
    .then(
      () => true,
      () => false,
    );
}

/**
 * Waits until the app's service worker is active (installed, with the app's files kept), as it is for
 * someone who has opened Huddle before: the page registers it once it has loaded and is idle, so
 * without this wait the next page of a profile might be loaded without it.
 */
export async function waitForAppCache(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const worker = (globalThis as unknown as PageGlobals).navigator.serviceWorker;
      return worker ? worker.ready.then(() => true) : true;
    },
    undefined,
    { timeout: timeoutMs },
  );
}

/**
 * Waits until the page's IndexedDB copy of the board holds at least `bytes` (y-indexeddb writes the
 * synced board in the background), so that the next page of this profile starts from it.
 */
export async function waitForLocalCopy(
  page: Page,
  boardId: string,
  bytes: number,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const stored = await page.evaluate(async (id) => {
      const inPage = globalThis as unknown as PageGlobals;
      const names = (await inPage.indexedDB.databases())
        .map((d) => d.name ?? '')
        .filter((n) => n.includes(`:${id}:`));
      let total = 0;
      for (const name of names) {
        total += await new Promise<number>((resolve) => {
          const open = inPage.indexedDB.open(name);
          open.onerror = () => resolve(0);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('updates')) {
              db.close();
              resolve(0);
              return;
            }
            const all = db.transaction('updates').objectStore('updates').getAll();
            all.onsuccess = () => {
              db.close();
              resolve(all.result.reduce((sum, update) => sum + update.byteLength, 0));
            };
            all.onerror = () => {
              db.close();
              resolve(0);
            };
          };
        });
      }
      return total;
    }, boardId);
    if (stored >= bytes * 0.9) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the browser did not keep its copy of the board in IndexedDB within ${timeoutMs} ms`);
}
