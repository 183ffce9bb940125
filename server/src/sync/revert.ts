/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';

/** Lets what an item holds be garbage collected once deleted (an UndoManager keeps it, and its parents). */
function release(item: Y.Item): void {
  let current: Y.Item | null = item;
  while (current && current.keep) {
    current.keep = false;
    current = (current.parent as Y.AbstractType<any>)._item;
  }
}

/**
 * Undoes a transaction from inside its own `afterTransaction` (while what it deleted still holds
 * its content): an UndoManager scoped to the whole document and to that one transaction undoes it
 * in a new transaction whose origin is the manager, run once this one is cleaned up. `register` is
 * given the manager first, so the caller knows the undoing transaction when it arrives.
 */
export function revertTransaction(
  transaction: Y.Transaction,
  register: (manager: Y.UndoManager) => void,
): void {
  const manager = new Y.UndoManager(transaction.doc, {
    trackedOrigins: new Set([transaction.origin]),
    captureTimeout: 0,
  });
  try {
    register(manager);
    // The manager was made after the transaction; it is handed the transaction as if it had seen it.
    manager.afterTransactionHandler(transaction);
    manager.undo();
  } finally {
    manager.destroy();
    // What the refused transaction deleted was kept for the undoing, which has copied it back.
    Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
      if (struct instanceof Y.Item) release(struct);
    });
  }
}

/** Releases what a transaction inserted from being kept (the UndoManager keeps what it restores). */
export function releaseKept(transaction: Y.Transaction): void {
  const clients = transaction.doc.store.clients;
  for (const [client, clock] of transaction.afterState) {
    const start = transaction.beforeState.get(client) ?? 0;
    const structs = clients.get(client);
    if (clock <= start || !structs) continue;
    for (let i = Y.findIndexSS(structs, start); i < structs.length && structs[i]!.id.clock < clock; i++) {
      const struct = structs[i]!;
      if (struct instanceof Y.Item) release(struct);
    }
  }
}
