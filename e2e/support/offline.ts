import type { Page } from 'playwright-core';

/*
 * What a browser keeps to open Huddle with no signal, read in the page. The browser tests are
 * type-checked without the DOM's types, so what runs in the page is written as script text.
 */

/** Whether the app's service worker is in charge of the page. */
export async function servedByAppCache(page: Page): Promise<boolean> {
  return (await page.evaluate('navigator.serviceWorker.controller !== null')) as boolean;
}

/** The paths of the API answers the service worker kept (none when it keeps nothing). */
export async function keptApiPaths(page: Page): Promise<string[]> {
  return (await page.evaluate(`(async () => {
    if (!(await caches.has('huddle-api'))) return [];
    const keys = await (await caches.open('huddle-api')).keys();
    return keys.map((request) => new URL(request.url).pathname);
  })()`)) as string[];
}

/** Whether a board document kept in this browser (y-indexeddb) holds `text`. */
export async function keptBoardsHold(page: Page, text: string): Promise<boolean> {
  return (await page.evaluate(`(async (wanted) => {
    const bytes = new TextEncoder().encode(wanted);
    const holds = (update) => update.some((_, i) => bytes.every((b, j) => update[i + j] === b));
    const request = (r) => new Promise((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    for (const { name } of await indexedDB.databases()) {
      if (!name || !name.startsWith('huddle-board:')) continue;
      const db = await request(indexedDB.open(name));
      const updates = await request(db.transaction('updates').objectStore('updates').getAll());
      db.close();
      if (updates.some((u) => u instanceof Uint8Array && holds(u))) return true;
    }
    return false;
  })(${JSON.stringify(text)})`)) as boolean;
}
