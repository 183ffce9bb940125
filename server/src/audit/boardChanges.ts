/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';
import type { AuditValue } from '../../../shared/audit.ts';
import { recordsTouched } from '../../../shared/board/boardDoc.ts';
import type { AuditedChange } from '../storage/BoardStorage.ts';
import type { TransactionOrigin } from '../sync/origin.ts';

type Fields = Record<string, AuditValue>;

/** Longest value kept in the trail for one field; a longer one is cut, with a note of its length. */
const MAX_VALUE_CHARS = 20_000;

function plain(value: unknown): AuditValue {
  if (value instanceof Y.AbstractType) return plain(value.toJSON());
  if (value === undefined) return null;
  if (value instanceof Uint8Array) return `(binary, ${value.byteLength} bytes)`;
  return value as AuditValue;
}

function fieldsOf(value: unknown): Fields | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Y.Map) {
    const out: Fields = {};
    value.forEach((field, key) => {
      out[key] = plain(field);
    });
    return out;
  }
  // Not a record map (an old or hostile client): the whole value as one field.
  return { '': plain(value) };
}

/** The value as the trail keeps it: a longer one is cut, with a note of its length. */
function capped(value: AuditValue): AuditValue {
  if (value === null) return null;
  const json = JSON.stringify(value);
  if (json.length <= MAX_VALUE_CHARS) return value;
  return `${json.slice(0, MAX_VALUE_CHARS)}... (${json.length} characters in all)`;
}

/**
 * Derives the field-level audit rows of each transaction applied to one board. It keeps the last
 * value it saw of every record field, so a row can say what a field was before as well as after,
 * for Y.Text fields too. Collections are the document's top-level maps (id -> record map).
 */
export class BoardChangeTracker {
  readonly #seen = new Map<string, Map<string, Fields>>();

  /** Starts from the document as it is now: later transactions are described against it. */
  constructor(
    private readonly boardId: string,
    private readonly doc: Y.Doc,
  ) {
    for (const [name, type] of doc.share) {
      if (type instanceof Y.Map) this.#seen.set(name, this.#snapshot(type));
    }
  }

  /** The audit rows of one applied transaction. */
  describe(transaction: Y.Transaction, origin: TransactionOrigin, at = new Date()): AuditedChange[] {
    const roots = new Map<Y.AbstractType<any>, string>();
    for (const [name, type] of this.doc.share) roots.set(type, name);
    // A collection this server has not opened yet arrives untyped; read it as the map it is.
    for (const [name, type] of [...this.doc.share]) {
      if ((type.constructor as unknown) === Y.AbstractType && type._map.size > 0)
        roots.set(this.doc.getMap(name), name);
    }
    const touched = new Map<string, Set<string | null>>();
    for (const { collection, id } of recordsTouched(transaction, roots)) {
      let ids = touched.get(collection);
      if (!ids) touched.set(collection, (ids = new Set()));
      ids.add(id);
    }

    const user = origin.source === 'storage' ? null : (origin.user ?? null);
    const rows: AuditedChange[] = [];
    for (const [collection, ids] of touched) {
      const root = this.doc.share.get(collection);
      let seen = this.#seen.get(collection);
      if (!seen) this.#seen.set(collection, (seen = new Map()));
      for (const id of ids) {
        const key = id ?? '';
        const before = seen.get(key) ?? {};
        const current =
          id === null ? { '': plain(root) } : root instanceof Y.Map ? fieldsOf(root.get(id)) : undefined;
        const after = current ?? {};
        for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
          const was = before[field] ?? null;
          const now = after[field] ?? null;
          if (JSON.stringify(was) === JSON.stringify(now)) continue;
          rows.push({
            at,
            user: user ? { id: user.id, name: user.name } : null,
            recordType: collection,
            recordId: id,
            field: field === '' ? null : field,
            before: capped(was),
            after: capped(now),
          });
        }
        if (current === undefined) seen.delete(key);
        else seen.set(key, current);
      }
    }
    return rows;
  }

  #snapshot(collection: Y.Map<unknown>): Map<string, Fields> {
    const out = new Map<string, Fields>();
    collection.forEach((value, id) => {
      const fields = fieldsOf(value);
      if (fields) out.set(id, fields);
    });
    return out;
  }
}
