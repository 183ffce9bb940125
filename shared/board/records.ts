import * as Y from 'yjs';
import { z } from 'zod';
import { actionSchema } from './action.ts';
import { commentSchema } from './comment.ts';
import { amendmentSchema, attendanceSchema, meetingItemSchema, meetingSchema } from './meetings/meeting.ts';
import { GOAL_TEXT_FIELDS, goalSchema } from './goal.ts';
import { pathwayStageSchema } from './pathway.ts';
import { PERSON_TEXT_FIELDS, personSchema } from './person.ts';
import { readRecord, type RecordRead } from './record.ts';

/**
 * The names of the board document's top-level collections. Each is a flat id -> record map,
 * and each record is a Y.Map of fields, so two people changing different fields of one record
 * both keep their change. Nothing else belongs at the top of a board's document.
 */
export const Collection = {
  actions: 'actions',
  people: 'people',
  goals: 'goals',
  pathwayStages: 'pathwayStages',
  comments: 'comments',
  meetings: 'meetings',
  meetingItems: 'meetingItems',
  meetingAttendance: 'meetingAttendance',
  meetingAmendments: 'meetingAmendments',
} as const;
export type CollectionName = (typeof Collection)[keyof typeof Collection];

export const COLLECTION_NAMES: readonly CollectionName[] = Object.values(Collection);

/** The collections projected to Postgres for queries across boards (meetings are kept whole when they close). */
export const PROJECTED_COLLECTIONS = ['actions', 'people', 'goals', 'pathwayStages', 'comments'] as const;
export type ProjectedCollection = (typeof PROJECTED_COLLECTIONS)[number];

export function isProjectedCollection(name: CollectionName): name is ProjectedCollection {
  return (PROJECTED_COLLECTIONS as readonly string[]).includes(name);
}

export function isCollectionName(name: string): name is CollectionName {
  return (COLLECTION_NAMES as readonly string[]).includes(name);
}

/** What one collection holds: its validator, the fields its records may have, and what to call one. */
export interface CollectionSpec {
  name: CollectionName;
  schema: z.ZodType<unknown>;
  /** Every field a record may hold (its id is the key in the collection, not a field). */
  fields: ReadonlySet<string>;
  /** Fields held as Y.Text: typed together, merged character by character. */
  textFields: readonly string[];
  /** "action", "person": for messages. */
  noun: string;
}

function fieldsOf(schema: { shape: Record<string, unknown> }): Set<string> {
  return new Set(Object.keys(schema.shape).filter((key) => key !== 'id'));
}

export const COLLECTIONS: Record<CollectionName, CollectionSpec> = {
  actions: {
    name: 'actions',
    schema: actionSchema,
    fields: fieldsOf(actionSchema),
    textFields: [],
    noun: 'action',
  },
  people: {
    name: 'people',
    schema: personSchema,
    fields: fieldsOf(personSchema),
    textFields: PERSON_TEXT_FIELDS,
    noun: 'person',
  },
  goals: {
    name: 'goals',
    schema: goalSchema,
    fields: fieldsOf(goalSchema),
    textFields: GOAL_TEXT_FIELDS,
    noun: 'goal',
  },
  pathwayStages: {
    name: 'pathwayStages',
    schema: pathwayStageSchema,
    fields: fieldsOf(pathwayStageSchema),
    textFields: [],
    noun: 'pathway stage',
  },
  comments: {
    name: 'comments',
    schema: commentSchema,
    fields: fieldsOf(commentSchema),
    textFields: [],
    noun: 'comment',
  },
  meetings: {
    name: 'meetings',
    schema: meetingSchema,
    fields: fieldsOf(meetingSchema),
    textFields: [],
    noun: 'meeting',
  },
  meetingItems: {
    name: 'meetingItems',
    schema: meetingItemSchema,
    fields: fieldsOf(meetingItemSchema),
    textFields: [],
    noun: 'agenda item',
  },
  meetingAttendance: {
    name: 'meetingAttendance',
    schema: attendanceSchema,
    fields: fieldsOf(attendanceSchema),
    textFields: [],
    noun: 'attendance record',
  },
  meetingAmendments: {
    name: 'meetingAmendments',
    schema: amendmentSchema,
    fields: fieldsOf(amendmentSchema),
    textFields: [],
    noun: 'amendment',
  },
};

/** Fields held as Y.Text (typed together, merged character by character), per collection. */
export const TEXT_FIELDS: Record<CollectionName, readonly string[]> = {
  actions: COLLECTIONS.actions.textFields,
  people: COLLECTIONS.people.textFields,
  goals: COLLECTIONS.goals.textFields,
  pathwayStages: COLLECTIONS.pathwayStages.textFields,
  comments: COLLECTIONS.comments.textFields,
  meetings: [],
  meetingItems: [],
  meetingAttendance: [],
  meetingAmendments: [],
};

/** The id of a new record: up to 64 letters, digits, `-` and `_` (a UUID fits). */
export const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Field names and ids quoted in a message are cut to this many characters. */
const QUOTED_MAX = 40;
/** Unknown fields named in a problem, at most. */
const UNKNOWN_NAMED = 3;

/** A name a client chose, safe to put in a message: printable and short. */
export function quoted(name: string): string {
  const printable = name
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '?')
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '?');
  const characters = [...printable];
  return `“${characters.length > QUOTED_MAX ? `${characters.slice(0, QUOTED_MAX).join('')}…` : printable}”`;
}

/** What is wrong with how a field of the collection's is held (shared text, or a plain value), or null. */
function fieldShapeProblem(spec: CollectionSpec, field: string, value: unknown): string | null {
  const isText = spec.textFields.includes(field);
  if (isText ? !(value instanceof Y.Text) && typeof value !== 'string' : value instanceof Y.AbstractType)
    return `${field}: ${isText ? 'must be text' : 'must be a plain value, not shared text or a list'}`;
  return null;
}

/** Problems with a record's fields as Y types hold them, before its values are validated. */
function shapeProblems(spec: CollectionSpec, record: Y.Map<unknown>): string[] {
  const problems: string[] = [];
  const unknown: string[] = [];
  // forEach, not entries(): no iterator and no pair per field (the server reads a record per change).
  record.forEach((value, field) => {
    if (!spec.fields.has(field)) {
      unknown.push(field);
      return;
    }
    const problem = fieldShapeProblem(spec, field, value);
    if (problem) problems.push(problem);
  });
  if (unknown.length > 0) {
    const named = unknown.slice(0, UNKNOWN_NAMED).map(quoted).join(', ');
    const more = unknown.length > UNKNOWN_NAMED ? ` and ${unknown.length - UNKNOWN_NAMED} more` : '';
    const article = /^[aeiou]/.test(spec.noun) ? 'an' : 'a';
    problems.unshift(
      `${unknown.length === 1 ? 'A field' : 'Fields'} ${named}${more} ${unknown.length === 1 ? 'is' : 'are'} not part of ${article} ${spec.noun}`,
    );
  }
  return problems;
}

/** Whether two plain JSON values are equal, whatever order their objects' keys are in. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]))
    );
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
  );
}

/**
 * Whether a record's fields (a Y.Map's, which holds no `id`) with its id are the value `read`, as
 * `sameJson({ ...fields, id }, read)` but without the copy: the server asks on every change, and in
 * Node 20 an object spread and then added to is slow to make and lands in the old generation.
 */
export function sameRecord(fields: Record<string, unknown>, id: string, read: unknown): boolean {
  if (typeof read !== 'object' || read === null || Array.isArray(read)) return false;
  const value = read as Record<string, unknown>;
  if (value.id !== id || Object.hasOwn(fields, 'id')) return false;
  const keys = Object.keys(fields);
  return (
    keys.length + 1 === Object.keys(value).length &&
    keys.every((key) => Object.hasOwn(value, key) && sameJson(fields[key], value[key]))
  );
}

/**
 * Each collection's fields with their own validators, in the order its schema names them; null for a
 * collection whose schema also has rules across fields (those are validated whole).
 */
const FIELD_SCHEMAS = Object.fromEntries(
  COLLECTION_NAMES.map((name) => {
    const schema = COLLECTIONS[name].schema;
    const plainObject =
      schema instanceof z.ZodObject && !schema.def.checks?.length && schema.def.catchall === undefined;
    return [name, plainObject ? Object.entries(schema.shape as Record<string, z.ZodType>) : null];
  }),
) as Record<CollectionName, [string, z.ZodType][] | null>;

/** `FIELD_SCHEMAS` by field name. */
const FIELD_SCHEMA_BY_NAME = Object.fromEntries(
  COLLECTION_NAMES.map((name) => [name, FIELD_SCHEMAS[name] && new Map(FIELD_SCHEMAS[name])]),
) as Record<CollectionName, ReadonlyMap<string, z.ZodType> | null>;

/**
 * A valid record read again after some of its fields changed, validating only the fields that
 * differ from its valid value `before` (the server reads a record on every change anyone makes to
 * it). For a schema without rules across fields this is what validating it whole gives, since the
 * validators only trim and fill defaults: a value that is already valid reads as itself. Null when
 * that cannot be told so (the schema has such rules, a field is invalid or explicitly undefined):
 * the record is validated whole, and its problems named.
 */
function readChangedFields<T>(
  spec: CollectionSpec,
  id: string,
  fields: Record<string, unknown>,
  before: T,
): RecordRead<T> | null {
  const fieldSchemas = FIELD_SCHEMAS[spec.name];
  if (!fieldSchemas) return null;
  const was = before as Record<string, unknown>;
  const value: Record<string, unknown> = {};
  for (const [key, schema] of fieldSchemas) {
    const raw = key === 'id' ? id : fields[key];
    if (raw !== undefined && raw === was[key]) {
      value[key] = raw;
      continue;
    }
    if (raw === undefined && Object.hasOwn(fields, key)) return null;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return null;
    if (parsed.data !== undefined) value[key] = parsed.data;
  }
  return { id, ok: true, value: value as T };
}

/**
 * `readBoardRecord` for a record of which only the fields `changed` can differ from `known`, its
 * valid read as last accepted (a transaction that set those fields of its map and nothing else):
 * only they are checked for shape and validated, the others kept as `known` has them. `fields` are
 * the record's fields as they are now. Null when that cannot be told so (a field that is not the
 * collection's, or that `known` lacks or the change removed; a value of the wrong shape or invalid;
 * a schema with rules across fields): the record is then read whole, and its problems named.
 */
export function readRecordChange<T>(
  collection: CollectionName,
  id: string,
  value: Y.Map<unknown>,
  fields: Record<string, unknown>,
  known: { id: string; ok: true; value: T },
  changed: ReadonlySet<string>,
): RecordRead<T> | null {
  const schemas = FIELD_SCHEMA_BY_NAME[collection];
  if (!schemas || known.id !== id) return null;
  const spec = COLLECTIONS[collection];
  const was = known.value as Record<string, unknown>;
  let same = true;
  for (const field of changed) {
    if (field === 'id' || !schemas.has(field) || !Object.hasOwn(was, field)) return null;
    const raw = fields[field];
    if (raw === undefined) return null;
    if (fieldShapeProblem(spec, field, value.get(field))) return null;
    if (raw !== was[field]) same = false;
  }
  if (same) return known;
  const next = { ...was };
  for (const field of changed) {
    const raw = fields[field];
    if (raw === was[field]) continue;
    const parsed = schemas.get(field)!.safeParse(raw);
    if (!parsed.success || parsed.data === undefined) return null;
    next[field] = parsed.data;
  }
  return { id, ok: true, value: next as T };
}

/**
 * Reads one record of a collection as the board document holds it: a Y.Map whose fields are the
 * collection's, valid by its schema. A record written wrongly (by an old or hostile client) comes
 * back with what is wrong, never as an exception. The browser and the server read records this way.
 */
export function readBoardRecord<T>(
  collection: CollectionName,
  id: string,
  value: unknown,
  /** The record's fields as plain values, when the caller has them already (`value.toJSON()`). */
  plain?: Record<string, unknown>,
  /**
   * The record as read elsewhere with these same validators (the server's snapshot of the board):
   * when it is valid and the record's fields equal its value, it is the read, as it is. A valid value
   * reads as itself (the schemas only trim and fill defaults), so validating it again would only repeat the work.
   */
  known?: RecordRead<T>,
): RecordRead<T> {
  const spec = COLLECTIONS[collection];
  if (!(value instanceof Y.Map)) {
    return { id, ok: false, problems: ['The record is not a map of fields'], raw: { value } };
  }
  const fields = plain ?? (value.toJSON() as Record<string, unknown>);
  const shape = shapeProblems(spec, value);
  if (known?.ok && known.id === id && shape.length === 0) {
    if (sameRecord(fields, id, known.value)) return known;
    const read = readChangedFields(spec, id, fields, known.value);
    if (read) return read;
  }
  const read = readRecord(spec.schema as z.ZodType<T>, id, fields);
  if (shape.length === 0) return read;
  return { id, ok: false, raw: fields, problems: [...shape, ...(read.ok ? [] : read.problems)] };
}
