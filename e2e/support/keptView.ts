import type { Page } from 'playwright-core';

/** What the page noted of the view kept from last time (client/src/lib/board/keptViews.ts). */
export interface KeptViewSeen {
  /** When it appeared, what it and the app showed then; null when none was shown. */
  shown: {
    at: number;
    text: string;
    /** Its connection tag's text. */
    connection: string;
    /** Elements the app had drawn in its own root. */
    appChildren: number;
    appHidden: boolean;
    visible: boolean;
  } | null;
  /** When the app took its place. */
  removedAt: number | null;
}

/** The little of the page the watcher uses (the e2e project has no DOM types). */
interface WatchedElement {
  id: string;
  childElementCount: number;
  textContent: string | null;
  getBoundingClientRect(): { height: number };
  querySelector(selector: string): WatchedElement | null;
}
interface WatchedPage {
  keptViewSeen: KeptViewSeen;
  huddleKeptView?: { root: WatchedElement };
  document: WatchedElement & { getElementById(id: string): WatchedElement | null };
  getComputedStyle(element: WatchedElement): { display: string; visibility: string };
  MutationObserver: new (
    callback: (records: { addedNodes: Iterable<unknown>; removedNodes: Iterable<unknown> }[]) => void,
  ) => { observe(target: unknown, options: { childList: boolean; subtree: boolean }): void };
}

/** In the page, before its own scripts: notes when a kept view appears, what it and the app show then, and when it goes. */
function watchKeptView(): void {
  const page = globalThis as unknown as WatchedPage;
  page.keptViewSeen = { shown: null, removedAt: null };
  const isKeptView = (node: unknown): node is WatchedElement =>
    typeof node === 'object' && node !== null && (node as { id?: unknown }).id === 'kept-view';
  new page.MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (!isKeptView(node)) continue;
        const app = page.document.getElementById('app');
        const root = page.huddleKeptView?.root;
        page.keptViewSeen.shown = {
          at: performance.now(),
          text: root?.textContent ?? '',
          connection: root?.querySelector('[data-kept-testid="connection-state"]')?.textContent ?? '',
          appChildren: app?.childElementCount ?? -1,
          appHidden: app ? page.getComputedStyle(app).display === 'none' : false,
          visible:
            node.getBoundingClientRect().height > 0 && page.getComputedStyle(node).visibility !== 'hidden',
        };
      }
      for (const node of record.removedNodes) {
        if (isKeptView(node)) page.keptViewSeen.removedAt = performance.now();
      }
    }
  }).observe(page.document, { childList: true, subtree: true });
}

/** Every page of the context notes what it shows of a kept view (read with `keptViewSeen`). */
export async function watchKeptViews(context: ReturnType<Page['context']>): Promise<void> {
  await context.addInitScript(watchKeptView);
}

export function keptViewSeen(page: Page): Promise<KeptViewSeen> {
  return page.evaluate(() => (globalThis as unknown as WatchedPage).keptViewSeen);
}

/** The view kept for `path` in the page's browser, as stored (empty when none). */
export function keptViewOf(page: Page, path: string): Promise<string> {
  return page.evaluate(
    (key) =>
      (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(
        key,
      ) ?? '',
    `huddle-view:${path}`,
  );
}

/** What the view kept for `path` shows in its form controls, as the page will draw it. */
export interface KeptControls {
  /** Each list's option shown. */
  selects: string[];
  /** The values of the boxes ticked. */
  checked: string[];
  /** What each text field and text area holds, the empty ones left out. */
  texts: string[];
}

interface ParsedControl {
  type?: string;
  value: string;
  checked?: boolean;
  selectedOptions?: { textContent: string | null }[];
}

export function keptControls(page: Page, path: string): Promise<KeptControls> {
  return page.evaluate((key) => {
    const inPage = globalThis as unknown as {
      localStorage: { getItem(k: string): string | null };
      DOMParser: new () => {
        parseFromString(html: string, type: string): { querySelectorAll(s: string): Iterable<ParsedControl> };
      };
    };
    const kept = JSON.parse(inPage.localStorage.getItem(key) ?? '{"html":""}') as { html: string };
    const doc = new inPage.DOMParser().parseFromString(kept.html, 'text/html');
    const controls = (selector: string): ParsedControl[] => [...doc.querySelectorAll(selector)];
    return {
      selects: controls('select').map((s) => (s.selectedOptions?.[0]?.textContent ?? '').trim()),
      checked: controls('input[type="checkbox"], input[type="radio"]')
        .filter((c) => c.checked)
        .map((c) => c.value),
      texts: controls('textarea, input:not([type]), input[type="text"], input[type="date"]')
        .map((c) => c.value)
        .filter((v) => v !== ''),
    };
  }, `huddle-view:${path}`);
}

/** Makes the view kept for `path` look as if kept longer ago than the session could last unused. */
export async function expireKeptView(page: Page, path: string): Promise<void> {
  await page.evaluate((key) => {
    const storage = (
      globalThis as unknown as {
        localStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
      }
    ).localStorage;
    const view = JSON.parse(storage.getItem(key)!) as { until: number };
    storage.setItem(key, JSON.stringify({ ...view, until: Date.now() - 1 }));
  }, `huddle-view:${path}`);
}

/** The keys of every view kept in the page's browser. */
export function keptViewKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const storage = (
      globalThis as unknown as { localStorage: { length: number; key(i: number): string | null } }
    ).localStorage;
    const keys: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith('huddle-view:')) keys.push(key);
    }
    return keys;
  });
}
