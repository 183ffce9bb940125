import type * as Y from 'yjs';
import type { RecordRead } from '#shared/board/record';
import {
  COLLECTIONS,
  PROJECTED_COLLECTIONS,
  readBoardRecord,
  type CollectionName,
  type ProjectedCollection,
} from '#shared/board/records';
import type { AuditValue } from '#shared/audit';
import type { ProjectedRecord, ProjectionChange, RecordTransition } from '../sync/boardChange.ts';
import { jsonValue } from '../sync/documentValue.ts';
import { storableInstant } from '../db/storable.ts';

/*
 * The relational projection of a board's document: one row per record, for the queries that look
 * across boards, and the history of what happened to records. The document stays the source of
 * truth: a record's projection is always what a fresh read of the document gives, and a record that
 * fails validation is projected with its problems (it needs attention), never left out.
 */

/** One record as the projection keeps it, from the room's (or a fresh) read of it. */
export function projectRead(
  collection: ProjectedCollection,
  id: string,
  read: RecordRead<unknown>,
): ProjectedRecord {
  const all = (read.ok ? read.value : read.raw) as Record<string, unknown>;
  const textFields = COLLECTIONS[collection].textFields;
  const fields: Record<string, AuditValue> = {};
  for (const field of Object.keys(all)) {
    if (field !== 'id' && !textFields.includes(field)) fields[field] = jsonValue(all[field]);
  }
  return { collection, id, fields, problems: read.ok ? null : read.problems };
}

/** One record of `collection`, from the document's value under `id` (a `Y.Map`, or whatever a client left). */
export function projectRecord(collection: ProjectedCollection, id: string, value: unknown): ProjectedRecord {
  return projectRead(collection, id, readBoardRecord(collection, id, value));
}

/** Every record of the board's document, projected. */
export function projectDocument(doc: Y.Doc): ProjectedRecord[] {
  const records: ProjectedRecord[] = [];
  for (const collection of PROJECTED_COLLECTIONS) {
    doc.getMap(collection).forEach((value, id) => records.push(projectRecord(collection, id, value)));
  }
  return records;
}

/**
 * The board's whole projection from its document: every record, and the history its timestamps
 * tell (when each action was made and completed, when each person entered their stage), for a board
 * projected for the first time or again. History already kept is not repeated.
 */
export function wholeProjection(doc: Y.Doc): ProjectionChange {
  const records = projectDocument(doc);
  return { whole: true, records, removed: [], transitions: records.flatMap(documentTransitions) };
}

const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
/** A record's timestamp, when it is one Postgres can keep (a hostile or old client's may not be). */
const instantOf = storableInstant;

/** What a record's own timestamps say happened to it. */
function documentTransitions(record: ProjectedRecord): RecordTransition[] {
  const f = record.fields;
  const { collection, id } = record;
  const transitions: RecordTransition[] = [];
  if (collection === 'actions') {
    const created = instantOf(f.createdAt);
    // The status it was made with is not kept in the document.
    if (created)
      transitions.push(
        transition(collection, id, 'created', null, null, created, textOf(f.createdById), 'document'),
      );
    const completed = instantOf(f.completedAt);
    if (completed && f.status === 'done')
      transitions.push(transition(collection, id, 'status', null, 'done', completed, null, 'document'));
  } else if (collection === 'people') {
    const entered = instantOf(f.stageEnteredAt);
    const stage = textOf(f.stageId);
    if (entered && stage)
      transitions.push(transition(collection, id, 'stage', null, stage, entered, null, 'document'));
  }
  return transitions;
}

/**
 * One entry of a record's history, as one object literal: an object spread and then added to
 * (`{ ...base, kind }`) is slow to make in Node 20 and lands in the old generation (see `projectionRow`).
 */
function transition(
  collection: CollectionName,
  recordId: string,
  kind: RecordTransition['kind'],
  from: string | null,
  to: string | null,
  at: Date,
  userId: string | null,
  source: RecordTransition['source'],
): RecordTransition {
  return { collection, recordId, kind, from, to, at, userId, source };
}

/** The fields whose changes a collection's history keeps, and the kind each is. */
const TRACKED: Partial<Record<CollectionName, Record<string, RecordTransition['kind']>>> = {
  actions: { status: 'status', ownerId: 'owner' },
  people: { stageId: 'stage' },
  goals: { status: 'status' },
};

/**
 * What one change did to one record that its history keeps: made (with its status or stage) or
 * removed; an action's status or owner changed; a person moved to another stage; a goal's status
 * changed.
 */
export function changeTransitions(
  before: ProjectedRecord | undefined,
  after: ProjectedRecord | undefined,
  at: Date,
  userId: string | null,
): RecordTransition[] {
  const record = after ?? before;
  if (!record) return [];
  const tracked = TRACKED[record.collection];
  if (!tracked) return [];
  const { collection, id } = record;
  const first = Object.keys(tracked)[0]!;
  if (!before)
    return [transition(collection, id, 'created', null, textOf(after!.fields[first]), at, userId, 'change')];
  if (!after)
    return [transition(collection, id, 'removed', textOf(before.fields[first]), null, at, userId, 'change')];
  const transitions: RecordTransition[] = [];
  for (const [field, kind] of Object.entries(tracked)) {
    const from = textOf(before.fields[field]);
    const to = textOf(after.fields[field]);
    if (from !== to) transitions.push(transition(collection, id, kind, from, to, at, userId, 'change'));
  }
  return transitions;
}
