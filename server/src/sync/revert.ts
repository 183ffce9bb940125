/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';

type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/** Lets what an item holds be garbage collected once deleted (an UndoManager keeps it, and its parents). */
function release(item: Y.Item): void {
  let current: Y.Item | null = item;
  while (current && current.keep) {
    current.keep = false;
    current = (current.parent as Y.AbstractType<any>)._item;
  }
}

/** The part of `set` whose structs `scope` picks. */
function only(transaction: Y.Transaction, set: DeleteSet, scope: (item: Y.Item) => boolean): DeleteSet {
  const picked = Y.createDeleteSet();
  Y.iterateDeletedStructs(transaction, set, (struct) => {
    if (!(struct instanceof Y.Item) || !scope(struct)) return;
    const { client, clock } = struct.id;
    let ranges = picked.clients.get(client);
    if (!ranges) picked.clients.set(client, (ranges = []));
    const last = ranges[ranges.length - 1];
    if (last && last.clock + last.len === clock) last.len += struct.length;
    else ranges.push({ clock, len: struct.length } as (typeof ranges)[number]);
  });
  return picked;
}

/** The ids of every struct a transaction inserted, as `{ client, clock }` of each struct's start. */
export function insertedIds(transaction: Y.Transaction): { client: number; clock: number }[] {
  const ids: { client: number; clock: number }[] = [];
  const clients = transaction.doc.store.clients;
  for (const [client, clock] of transaction.afterState) {
    const start = transaction.beforeState.get(client) ?? 0;
    const structs = clients.get(client);
    if (clock <= start || !structs) continue;
    for (let i = Y.findIndexSS(structs, start); i < structs.length && structs[i]!.id.clock < clock; i++) {
      ids.push({ client, clock: structs[i]!.id.clock });
    }
  }
  return ids;
}

/**
 * Undoes a transaction, or the part of it `scope` picks, from inside its own `afterTransaction`
 * (while what it deleted still holds its content): an UndoManager scoped to the whole document and
 * to that one transaction undoes it in a new transaction whose origin is the manager, run once this
 * one is cleaned up. `register` is given the manager first, so the caller knows the undoing
 * transaction when it arrives.
 */
export function revertTransaction(
  transaction: Y.Transaction,
  register: (manager: Y.UndoManager) => void,
  scope?: (item: Y.Item) => boolean,
): void {
  const manager = new Y.UndoManager(transaction.doc, {
    trackedOrigins: new Set([transaction.origin]),
    captureTimeout: 0,
  });
  try {
    register(manager);
    // The manager was made after the transaction; it is handed the transaction as if it had seen it.
    manager.afterTransactionHandler(transaction);
    const step = manager.undoStack[manager.undoStack.length - 1];
    if (step && scope) {
      step.insertions = only(transaction, step.insertions, scope);
      step.deletions = only(transaction, step.deletions, scope);
    }
    manager.undo();
  } finally {
    manager.destroy();
    // What the refused transaction deleted was kept for the undoing, which has copied it back.
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (struct instanceof Y.Item) release(struct);
    });
  }
}

/**
 * Releases what a transaction inserted from being kept (the UndoManager keeps what it restores),
 * and returns the ids its inserted items name as their neighbours: those structs must stay items.
 */
export function releaseKept(transaction: Y.Transaction): Set<string> {
  const neighbours = new Set<string>();
  for (const { client, clock } of insertedIds(transaction)) {
    const struct = Y.getItem(transaction.doc.store, Y.createID(client, clock));
    if (!(struct instanceof Y.Item)) continue;
    release(struct);
    if (struct.origin) neighbours.add(`${struct.origin.client}:${struct.origin.clock}`);
    if (struct.rightOrigin) neighbours.add(`${struct.rightOrigin.client}:${struct.rightOrigin.clock}`);
  }
  return neighbours;
}

/**
 * Turns the map entries a refused change made, now deleted, into plain garbage-collected structs,
 * which name no key: the ids and field names a client chose then reach nobody. An entry another
 * item names as its neighbour (a value put back in its place) stays, as a deleted entry, and so do
 * the entries it names in turn: a field set twice in the refused change has its second value name
 * the first, and a value whose neighbour is garbage would itself be dropped wherever the update is
 * applied (storage, other browsers), taking the value put back with it.
 */
export function forgetRefusedEntries(
  doc: Y.Doc,
  inserted: readonly { client: number; clock: number }[],
  before: ReadonlyMap<number, number>,
  neighbours: ReadonlySet<string>,
): void {
  const entries: Y.Item[] = [];
  for (const { client, clock } of inserted) {
    const struct = Y.getItem(doc.store, Y.createID(client, clock));
    if (!(struct instanceof Y.Item) || !struct.deleted || struct.parentSub === null) continue;
    // Merged since with something older: leave it be.
    if (struct.id.clock < (before.get(client) ?? 0)) continue;
    entries.push(struct);
  }
  const kept = new Set(neighbours);
  const isKept = (struct: Y.Item): boolean => {
    for (let offset = 0; offset < struct.length; offset++)
      if (kept.has(`${struct.id.client}:${struct.id.clock + offset}`)) return true;
    return false;
  };
  for (let grew = true; grew;) {
    grew = false;
    for (const struct of entries) {
      if (!isKept(struct)) continue;
      for (const id of [struct.origin, struct.rightOrigin]) {
        const key = id && `${id.client}:${id.clock}`;
        if (key && !kept.has(key)) {
          kept.add(key);
          grew = true;
        }
      }
    }
  }
  for (const struct of entries) {
    if (isKept(struct)) continue;
    const parent = struct.parent as Y.AbstractType<any>;
    if (parent._map.get(struct.parentSub!) === struct) parent._map.delete(struct.parentSub!);
    struct.gc(doc.store, true);
  }
}

/**
 * Forgets top-level types that are not the board's (a refused change made them) once everything in
 * them is deleted: their deleted structs become plain garbage-collected ones, which name no type,
 * so not even the name a client chose reaches anyone. A type that still holds something (stored
 * before the server refused such changes) is left as it is.
 */
export function dropStrayRoots(doc: Y.Doc, names: readonly string[]): void {
  for (const name of names) {
    const root = doc.share.get(name);
    if (!root) continue;
    const items: Y.Item[] = [];
    for (const latest of root._map.values()) {
      for (let item: Y.Item | null = latest; item; item = item.left) items.push(item);
    }
    for (let item = root._start; item; item = item.right) items.push(item);
    if (items.some((item) => !item.deleted)) continue;
    for (const item of items) item.gc(doc.store, true);
    doc.share.delete(name);
  }
}
