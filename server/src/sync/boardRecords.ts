/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';
import type { Action } from '#shared/board/action';
import type { CommentSubject } from '#shared/board/comment';
import type { Goal } from '#shared/board/goal';
import type { Meeting, MeetingItem } from '#shared/board/meetings/meeting';
import { findNhsNumberHolder, type Person } from '#shared/board/person';
import type { RecordRead } from '#shared/board/record';
import type { BoardSnapshot } from '#shared/board/snapshot';
import {
  COLLECTION_NAMES,
  readBoardRecord,
  readRecordChange,
  sameRecord,
  type CollectionName,
} from '#shared/board/records';
import type { ChangeFacts, RecordClients, RecordFields, TouchedRecord } from './boardChange.ts';

/** A record as read from the document: validated, and its fields as they are there. */
interface Held {
  read: RecordRead<unknown>;
  fields: RecordFields;
}

const recordKey = (collection: CollectionName, id: string): string => `${collection}\u0000${id}`;

/**
 * A record to read again, and the fields of its map a transaction set or removed when that is all it
 * changed of it (null: the record itself was added, replaced or removed, or something inside a
 * field changed, such as its shared text).
 */
interface RecordRef {
  collection: CollectionName;
  id: string;
  fields?: Set<string> | null;
}

/** The document's value of a record, read and validated; `known` is its read before, if any. */
function hold(collection: CollectionName, id: string, value: unknown, known?: RecordRead<unknown>): Held {
  if (!(value instanceof Y.Map))
    return { read: readBoardRecord(collection, id, value), fields: { '': plainValue(value) } };
  const fields = value.toJSON() as RecordFields;
  return { read: readBoardRecord(collection, id, value, fields, known), fields };
}

/**
 * `hold` for a record of which only the fields `changed` can differ from `known`, its valid read,
 * whose fields were `knownFields`: those fields are read from the document and validated, the rest
 * kept (the record's other fields are not copied out of the document again). Null when it cannot be
 * read so (see `readRecordChange`).
 */
function holdChange(
  collection: CollectionName,
  id: string,
  value: Y.Map<unknown>,
  known: { id: string; ok: true; value: unknown },
  knownFields: RecordFields,
  changed: ReadonlySet<string>,
): Held | null {
  const fields: RecordFields = { ...knownFields };
  for (const field of changed) {
    if (!Object.hasOwn(fields, field) || !value.has(field)) return null;
    const now = value.get(field);
    fields[field] = (now instanceof Y.AbstractType ? now.toJSON() : now) as RecordFields[string];
  }
  const read = readRecordChange(collection, id, value, fields, known, changed);
  return read && { read, fields };
}

/**
 * Which document clients wrote a record as it is now (for the rules about who did what). Worked out
 * for a change's records only and never held: a record is held for as long as nobody changes it, and
 * what is held long is copied out of the young generation by every collection meanwhile.
 */
function clientsOf(value: unknown): RecordClients | undefined {
  if (!(value instanceof Y.Map)) return undefined;
  const clients: RecordClients = { record: value._item?.id.client ?? -1, fields: {}, awaited: [] };
  for (const [field, item] of value._map) {
    if (item.deleted) clients.awaited.push(field);
    else clients.fields[field] = item.id.client;
  }
  return clients;
}

function plainValue(value: unknown): RecordFields[string] {
  if (value instanceof Y.AbstractType) return value.toJSON() as RecordFields[string];
  if (value instanceof Uint8Array) return `(binary, ${value.byteLength} bytes)`;
  return (value ?? null) as RecordFields[string];
}

/**
 * Every record of one board as the room last accepted it, read and validated: what a transaction
 * changed is told against it (before and after), and rules about other records ask it about the
 * board. A transaction the room refuses is undone, so what is held stays what the document holds.
 */
export class BoardRecords {
  /** Every record as last accepted, read and validated: what the next change is told against. */
  readonly #held = new Map<CollectionName, Map<string, RecordRead<unknown>>>();
  /**
   * The fields of the held records whose fields are not their valid value without its id (invalid
   * records, values the validators trimmed or filled): the others' are read back from the value.
   * Holding each record's fields beside its value made every change leave two copies alive until
   * the record's next change, and each young-generation collection copies every record changed
   * since the last (in bench:sync, where every record changes once a second, the held records were
   * a third of what survived a collection; README, "Sync").
   */
  readonly #heldFields = new Map<string, RecordFields>();
  readonly #roots = new Map<Y.AbstractType<any>, CollectionName>();

  constructor(private readonly doc: Y.Doc) {
    for (const name of COLLECTION_NAMES) {
      const map = doc.getMap(name);
      this.#roots.set(map, name);
      this.#held.set(name, new Map());
      map.forEach((value, id) => {
        const { read, fields } = hold(name, id, value);
        this.#keep(name, id, read, fields);
      });
    }
  }

  /**
   * The records a transaction touched (a record added, removed or changed, shared text included),
   * each before and after, and what it changed outside the collections' records.
   */
  touched(transaction: Y.Transaction): { records: TouchedRecord[]; strays: string[]; strayRoots: string[] } {
    const keys = new Map<string, RecordRef>();
    const strays = new Set<string>();
    const strayRoots = new Set<string>();
    /** `fields`: the record's fields the transaction set or removed, or null for the whole record. */
    const touch = (
      collection: CollectionName,
      id: string | null,
      fields: Set<string | null> | null,
    ): void => {
      if (id === null) {
        strays.add(`${collection} (content that is not a record)`);
        return;
      }
      const key = recordKey(collection, id);
      const ref = keys.get(key);
      if (!ref) {
        keys.set(key, {
          collection,
          id,
          fields: fields && !fields.has(null) ? new Set(fields as Set<string>) : null,
        });
      } else if (ref.fields) {
        if (!fields || fields.has(null)) ref.fields = null;
        else for (const field of fields as Set<string>) ref.fields.add(field);
      }
    };
    for (const [type, subs] of transaction.changed) {
      const collection = this.#roots.get(type);
      if (collection !== undefined) {
        for (const key of subs) touch(collection, key, null);
        continue;
      }
      // Walk up to the record: the type whose parent is a collection; or to a root that is not one.
      let child: Y.AbstractType<any> = type;
      for (;;) {
        const item = child._item;
        if (!item) {
          const name = this.#rootName(child);
          strays.add(name);
          strayRoots.add(name);
          break;
        }
        const parent = item.parent;
        if (!(parent instanceof Y.AbstractType)) break;
        const owner = this.#roots.get(parent);
        if (owner !== undefined) {
          // The record's own map: what changed are its fields; anything deeper changed inside one.
          touch(owner, item.parentSub, child === type ? subs : null);
          break;
        }
        child = parent;
      }
    }
    return { records: this.reread([...keys.values()]), strays: [...strays], strayRoots: [...strayRoots] };
  }

  /**
   * Which record an item of the document belongs to (walking up to the collection that holds it),
   * `'stray'` for content outside the collections' records, or null for none (the server's own).
   */
  recordOf(item: Y.Item): { collection: CollectionName; id: string } | 'stray' {
    let child: Y.Item = item;
    for (;;) {
      const parent = child.parent;
      if (!(parent instanceof Y.AbstractType)) return 'stray';
      const collection = this.#roots.get(parent);
      if (collection !== undefined)
        return child.parentSub === null ? 'stray' : { collection, id: child.parentSub };
      if (!parent._item) return 'stray';
      child = parent._item;
    }
  }

  /** The given records read again from the document, against what is held. */
  reread(refs: readonly RecordRef[]): TouchedRecord[] {
    return refs.map(({ collection, id, fields: changed }) => {
      const before = this.#held.get(collection)!.get(id);
      const value = this.doc.getMap(collection).get(id);
      const beforeFields = before && this.#fieldsOf(collection, id, before);
      const after =
        value === undefined
          ? undefined
          : ((changed && before?.ok && value instanceof Y.Map
              ? holdChange(collection, id, value, before, beforeFields!, changed)
              : null) ?? hold(collection, id, value, before));
      return {
        collection,
        id,
        before,
        after: after?.read,
        beforeFields,
        afterFields: after?.fields,
        afterClients: value === undefined ? undefined : clientsOf(value),
      };
    });
  }

  /** Every record as held, by collection: the board as the room last accepted it. */
  snapshot(): BoardSnapshot {
    const snapshot = {} as BoardSnapshot;
    for (const [name, held] of this.#held) snapshot[name] = [...held.values()];
    return snapshot;
  }

  /** Holds what an accepted transaction left. */
  accept(records: readonly TouchedRecord[]): void {
    for (const record of records) {
      if (record.after) {
        this.#keep(record.collection, record.id, record.after, record.afterFields!);
      } else {
        this.#held.get(record.collection)!.delete(record.id);
        this.#heldFields.delete(recordKey(record.collection, record.id));
      }
    }
  }

  #keep(collection: CollectionName, id: string, read: RecordRead<unknown>, fields: RecordFields): void {
    this.#held.get(collection)!.set(id, read);
    const key = recordKey(collection, id);
    if (read.ok && sameRecord(fields, id, read.value)) this.#heldFields.delete(key);
    else this.#heldFields.set(key, fields);
  }

  /**
   * A held record's fields: those held, or its valid value without its id (equal to its fields, in
   * the schema's order rather than the document's).
   */
  #fieldsOf(collection: CollectionName, id: string, read: RecordRead<unknown>): RecordFields {
    const held = this.#heldFields.get(recordKey(collection, id));
    if (held) return held;
    // Not reached: an invalid record's fields are always held.
    if (!read.ok) return read.raw as RecordFields;
    const value = read.value as RecordFields;
    const fields: RecordFields = {};
    for (const field of Object.keys(value)) if (field !== 'id') fields[field] = value[field]!;
    return fields;
  }

  /** The board as it would be with these records changed, for rules about other records. */
  facts(records: readonly TouchedRecord[]): ChangeFacts {
    return new FactsAfter(this.#held, records);
  }

  #rootName(type: Y.AbstractType<any>): string {
    for (const [name, root] of this.doc.share) if (root === type) return name;
    return '';
  }
}

/**
 * The board as held, with some records as a change left them: what rules about other records ask.
 * Nothing is worked out until a rule asks (most changes ask nothing: a title, a due date).
 */
class FactsAfter implements ChangeFacts {
  #changed: Map<string, RecordRead<unknown> | undefined> | null = null;

  constructor(
    private readonly held: ReadonlyMap<CollectionName, ReadonlyMap<string, RecordRead<unknown>>>,
    private readonly records: readonly TouchedRecord[],
  ) {}

  hasPerson(id: string): boolean {
    return this.#get('people', id) !== undefined;
  }

  hasAction(id: string): boolean {
    return this.#get('actions', id) !== undefined;
  }

  action(id: string): Action | undefined {
    const read = this.#get('actions', id);
    return read?.ok ? (read.value as Action) : undefined;
  }

  commenters(subjectType: CommentSubject, subjectId: string): Set<string> {
    const authors = new Set<string>();
    for (const read of this.#all('comments').values()) {
      const fields = (read.ok ? read.value : read.raw) as Record<string, unknown>;
      if (fields.subjectType === subjectType && fields.subjectId === subjectId)
        if (typeof fields.createdById === 'string') authors.add(fields.createdById);
    }
    return authors;
  }

  goal(id: string): Pick<Goal, 'personId'> | undefined {
    const read = this.#get('goals', id);
    return read?.ok ? { personId: (read.value as Goal).personId } : undefined;
  }

  hasStage(id: string): boolean {
    return this.#get('pathwayStages', id) !== undefined;
  }

  peopleAtStage(stageId: string): number {
    return this.#people().filter((p) => (p.ok ? p.value.stageId : p.raw.stageId) === stageId).length;
  }

  personWithNhsNumber(nhsNumber: string, exceptId: string) {
    const people = this.#people().map((p) => {
      const { nhsNumber, name, archived } = p.ok ? p.value : p.raw;
      return { id: p.id, nhsNumber, name, archived };
    });
    return findNhsNumberHolder(people, nhsNumber, exceptId) ?? undefined;
  }

  meeting(id: string): Pick<Meeting, 'status' | 'chairId'> | undefined {
    const read = this.#get('meetings', id);
    return read?.ok ? (read.value as Meeting) : undefined;
  }

  meetingItem(id: string): Pick<MeetingItem, 'meetingId'> | undefined {
    const read = this.#get('meetingItems', id);
    return read?.ok ? (read.value as MeetingItem) : undefined;
  }

  onAgenda(meetingId: string, personId: string, exceptId: string): boolean {
    return this.#some('meetingItems', exceptId, (f) => f.meetingId === meetingId && f.personId === personId);
  }

  attending(meetingId: string, userId: string, exceptId: string): boolean {
    return this.#some('meetingAttendance', exceptId, (f) => f.meetingId === meetingId && f.userId === userId);
  }

  #some(
    collection: CollectionName,
    exceptId: string,
    test: (fields: Record<string, unknown>) => boolean,
  ): boolean {
    for (const [id, read] of this.#all(collection)) {
      if (id !== exceptId && test((read.ok ? read.value : read.raw) as Record<string, unknown>)) return true;
    }
    return false;
  }

  #get(collection: CollectionName, id: string): RecordRead<unknown> | undefined {
    if (!this.#changed) {
      this.#changed = new Map();
      for (const record of this.records)
        this.#changed.set(recordKey(record.collection, record.id), record.after);
    }
    const key = recordKey(collection, id);
    return this.#changed.has(key) ? this.#changed.get(key) : this.held.get(collection)!.get(id);
  }

  #people(): RecordRead<Person>[] {
    return [...this.#all('people').values()] as RecordRead<Person>[];
  }

  /** Every record of a collection as the change leaves it. */
  #all(collection: CollectionName): Map<string, RecordRead<unknown>> {
    const all = new Map<string, RecordRead<unknown>>();
    for (const [id, read] of this.held.get(collection)!) all.set(id, read);
    for (const record of this.records) {
      if (record.collection !== collection) continue;
      if (record.after) all.set(record.id, record.after);
      else all.delete(record.id);
    }
    return all;
  }
}
