/**
 * What the browser keeps of boards between visits: each board's document in IndexedDB (y-indexeddb),
 * the records changed while offline that have not reached the server yet, and each view as last seen
 * (keptViews.ts). All are kept per user and board, and wiped when the person signs out or loses
 * access, so a shared computer does not keep one clinician's boards for the next.
 */

import { forgetApiAnswers } from '../appCache.ts';
import { forgetKeptViews } from './keptViews.ts';

const DB_PREFIX = 'huddle-board';
const PENDING_PREFIX = 'huddle-pending';

/**
 * The IndexedDB database of one user's copy of one board. `createdAt` tells boards apart that share
 * an id across databases (the demo board after a reset), so an old copy never merges into a new board.
 */
export function localBoardName(userId: string, boardId: string, createdAt: string): string {
  return `${DB_PREFIX}:${userId}:${boardId}:${createdAt}`;
}

async function localBoardNames(): Promise<string[]> {
  if (typeof indexedDB === 'undefined' || !indexedDB.databases) return [];
  const databases = await indexedDB.databases();
  return databases.flatMap((db) => (db.name?.startsWith(`${DB_PREFIX}:`) ? [db.name] : []));
}

/**
 * Whether this browser keeps a copy of the board for this user (of any board with its id). False when
 * the browser cannot list its databases: the board then syncs as if it kept none.
 */
export async function hasLocalBoard(userId: string, boardId: string): Promise<boolean> {
  const prefix = `${DB_PREFIX}:${userId}:${boardId}:`;
  try {
    return (await localBoardNames()).some((name) => name.startsWith(prefix));
  } catch {
    return false;
  }
}

function pendingKey(userId: string, boardId: string): string {
  return `${PENDING_PREFIX}:${userId}:${boardId}`;
}

/** Records changed offline, as `collection/id` keys, as last saved. */
export function loadPending(userId: string, boardId: string): Set<string> {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(pendingKey(userId, boardId)) ?? '[]');
    return new Set(Array.isArray(saved) ? saved.filter((key) => typeof key === 'string') : []);
  } catch {
    return new Set();
  }
}

export function savePending(userId: string, boardId: string, keys: ReadonlySet<string>): void {
  try {
    if (keys.size === 0) localStorage.removeItem(pendingKey(userId, boardId));
    else localStorage.setItem(pendingKey(userId, boardId), JSON.stringify([...keys]));
  } catch {
    // Storage full or switched off: the marks last as long as the page does.
  }
}

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

/** Forgets one board (the person lost access to it). */
export async function forgetLocalBoard(userId: string, boardId: string): Promise<void> {
  localStorage.removeItem(pendingKey(userId, boardId));
  forgetKeptViews(boardId);
  const prefix = `${DB_PREFIX}:${userId}:${boardId}:`;
  await Promise.all((await localBoardNames()).filter((name) => name.startsWith(prefix)).map(deleteDatabase));
}

/**
 * Forgets the boards kept in this browser (signing out), except any with changes made offline that
 * have not reached the server yet: those stay for their author's next visit, so nothing is lost;
 * the views as last seen; and the answers the app kept to open offline (appCache.ts).
 */
export async function forgetLocalBoards(): Promise<void> {
  forgetKeptViews();
  /** `user:board:` of each board with changes not yet shared. */
  const unshared: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(`${PENDING_PREFIX}:`)) unshared.push(`${key.slice(PENDING_PREFIX.length + 1)}:`);
  }
  const forget = (await localBoardNames()).filter((name) => {
    const userAndBoard = name.slice(DB_PREFIX.length + 1);
    return !unshared.some((prefix) => userAndBoard.startsWith(prefix));
  });
  await Promise.all([...forget.map(deleteDatabase), forgetApiAnswers()]);
}
