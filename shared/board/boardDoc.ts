/* eslint-disable @typescript-eslint/no-explicit-any -- Yjs types its shared types as AbstractType<any> */
import * as Y from 'yjs';
import type { z } from 'zod';
import { uuidv4 } from 'lib0/random';
import {
  actionSchema,
  applyActionPatch,
  newAction,
  type Action,
  type ActionInput,
  type ActionPatch,
} from './action.ts';
import {
  commentSchema,
  editedComment,
  newComment,
  withdrawnComment,
  type Comment,
  type CommentInput,
} from './comment.ts';
import {
  goalInputSchema,
  goalPatchSchema,
  goalSchema,
  type Goal,
  type GoalInput,
  type GoalPatch,
} from './goal.ts';
import {
  pathwayStageSchema,
  stageInputSchema,
  stageRemovalProblem,
  type PathwayStage,
  type StageInput,
} from './pathway.ts';
import {
  NhsNumberTakenError,
  archiveReasonSchema,
  findNhsNumberHolder,
  personInputSchema,
  personSchema,
  type Person,
  type PersonDetails,
  type PersonInput,
  type PersonTextField,
} from './person.ts';
import {
  amendmentSchema,
  attendanceSchema,
  meetingItemSchema,
  meetingSchema,
  type Amendment,
  type Attendance,
  type Meeting,
  type MeetingItem,
} from './meetings/meeting.ts';
import { problemsOf, type RecordRead, type WriteContext } from './record.ts';
import { COLLECTIONS, Collection, TEXT_FIELDS, readBoardRecord, type CollectionName } from './records.ts';
import { spliceBetween } from '../textSplice.ts';

export { Collection, TEXT_FIELDS, type CollectionName } from './records.ts';

/** One record a transaction touched. */
export interface RecordRef {
  collection: string;
  id: string;
}

/**
 * The records a transaction changed, given the document's collections by their root types: a record
 * added to or removed from a collection, or any field inside one (Y.Text edits included). A change to
 * a top-level value outside the collections' records has `id` null.
 */
export function recordsTouched(
  transaction: Y.Transaction,
  roots: ReadonlyMap<Y.AbstractType<any>, string>,
): { collection: string; id: string | null }[] {
  const touched = new Map<string, { collection: string; id: string | null }>();
  const touch = (collection: string, id: string | null): void => {
    touched.set(`${collection}\u0000${id ?? ''}`, { collection, id });
  };
  for (const [type, keys] of transaction.changed) {
    const rootName = roots.get(type);
    if (rootName !== undefined) {
      for (const key of keys) touch(rootName, key);
      continue;
    }
    // Walk up to the record: the type whose parent is a collection.
    let child: Y.AbstractType<any> = type;
    for (;;) {
      const item = child._item;
      if (!item) break;
      const parent = item.parent;
      if (!(parent instanceof Y.AbstractType)) break;
      const collection = roots.get(parent);
      if (collection !== undefined) {
        touch(collection, item.parentSub);
        break;
      }
      child = parent;
    }
  }
  return [...touched.values()];
}

type RecordMap = Y.Map<Y.Map<unknown>>;

/** Marks the one-off change of a plain text value into shared text. */
const CONVERSION_ORIGIN = { source: 'conversion' } as const;

function toPlain(record: Y.Map<unknown>): Record<string, unknown> {
  return record.toJSON() as Record<string, unknown>;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function failWith(error: z.ZodError): never {
  throw new Error(problemsOf(error).join('; '));
}

/** Pathway stages in their `order` (sorted in place); stages that fail validation come last. */
export function inPathwayOrder(stages: RecordRead<PathwayStage>[]): RecordRead<PathwayStage>[] {
  const rank = (read: RecordRead<PathwayStage>) => (read.ok ? read.value.order : Number.POSITIVE_INFINITY);
  return stages.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

/**
 * One collection of the document, read incrementally: a record is validated again only after it
 * changed, and unchanged records keep their identity between reads (so views re-render only what
 * changed).
 */
class RecordCollection<T> {
  readonly #cache = new Map<string, RecordRead<T>>();
  readonly #dirty = new Set<string>();
  #all = true;
  /** Reads made elsewhere (the server's snapshot), for the next whole read to take where they still hold. */
  #known: Map<string, RecordRead<T>> | null = null;

  constructor(
    readonly name: CollectionName,
    readonly map: RecordMap,
    readonly schema: z.ZodType<T>,
  ) {}

  /** Notes which records an observed change touched. */
  noteChanges(events: Y.YEvent<any>[]): void {
    for (const event of events) {
      if (event.target === this.map) for (const key of event.keys.keys()) this.#dirty.add(key);
      else if (typeof event.path[0] === 'string') this.#dirty.add(event.path[0]);
    }
  }

  /** Reads of this collection made elsewhere with the same validators, for the next whole read. */
  expect(reads: readonly RecordRead<T>[]): void {
    this.#known = this.#all ? new Map(reads.map((read) => [read.id, read])) : null;
  }

  read(): RecordRead<T>[] {
    if (this.#all) {
      const known = this.#known;
      this.#known = null;
      this.#cache.clear();
      this.map.forEach((_, id) => this.#cache.set(id, this.#readOne(id, known?.get(id))));
      this.#all = false;
      this.#dirty.clear();
    } else if (this.#dirty.size > 0) {
      for (const id of this.#dirty) {
        if (this.map.has(id)) this.#cache.set(id, this.#readOne(id));
        else this.#cache.delete(id);
      }
      this.#dirty.clear();
    }
    return [...this.#cache.values()];
  }

  /** Reads are cached from observed changes; without an observer every read starts afresh. */
  invalidate(): void {
    this.#all = true;
  }

  record(id: string, what: string): Y.Map<unknown> {
    const record = this.map.get(id);
    if (!(record instanceof Y.Map)) throw new Error(`No ${what} with id ${id} on this board`);
    return record;
  }

  #readOne(id: string, known?: RecordRead<T>): RecordRead<T> {
    return readBoardRecord<T>(this.name, id, this.map.get(id), undefined, known);
  }
}

/**
 * Typed read and write access to one board's Yjs document. Components and stores use this,
 * never the Y types themselves. Every write is one transaction carrying the caller's origin, and
 * every write is validated first: an invalid change throws with a message a person can read and
 * leaves the board as it was.
 */
export class BoardDocument {
  readonly #actions: RecordCollection<Action>;
  readonly #people: RecordCollection<Person>;
  readonly #goals: RecordCollection<Goal>;
  readonly #stages: RecordCollection<PathwayStage>;
  readonly #comments: RecordCollection<Comment>;
  readonly #meetings: RecordCollection<Meeting>;
  readonly #meetingItems: RecordCollection<MeetingItem>;
  readonly #attendance: RecordCollection<Attendance>;
  readonly #amendments: RecordCollection<Amendment>;
  readonly #collections: RecordCollection<unknown>[];
  readonly #listeners = new Set<() => void>();
  readonly #observers: [RecordCollection<unknown>, (events: Y.YEvent<any>[]) => void][] = [];

  constructor(
    readonly doc: Y.Doc,
    private readonly origin: unknown = null,
  ) {
    this.#actions = new RecordCollection(Collection.actions, doc.getMap(Collection.actions), actionSchema);
    this.#people = new RecordCollection(Collection.people, doc.getMap(Collection.people), personSchema);
    this.#goals = new RecordCollection(Collection.goals, doc.getMap(Collection.goals), goalSchema);
    this.#stages = new RecordCollection(
      Collection.pathwayStages,
      doc.getMap(Collection.pathwayStages),
      pathwayStageSchema,
    );
    this.#comments = new RecordCollection(
      Collection.comments,
      doc.getMap(Collection.comments),
      commentSchema,
    );
    const collection = <T>(name: CollectionName, schema: z.ZodType<T>) =>
      new RecordCollection<T>(name, doc.getMap(name), schema);
    this.#meetings = collection(Collection.meetings, meetingSchema);
    this.#meetingItems = collection(Collection.meetingItems, meetingItemSchema);
    this.#attendance = collection(Collection.meetingAttendance, attendanceSchema);
    this.#amendments = collection(Collection.meetingAmendments, amendmentSchema);
    this.#collections = [
      this.#actions,
      this.#people,
      this.#goals,
      this.#stages,
      this.#comments,
      this.#meetings,
      this.#meetingItems,
      this.#attendance,
      this.#amendments,
    ] as RecordCollection<unknown>[];
  }

  /** The collections' root types by name, for `recordsTouched`. */
  roots(): Map<Y.AbstractType<any>, string> {
    return new Map(this.#collections.map((c) => [c.map as Y.AbstractType<any>, c.name]));
  }

  readActions(): RecordRead<Action>[] {
    return this.#fresh(this.#actions).read();
  }

  readPeople(): RecordRead<Person>[] {
    return this.#fresh(this.#people).read();
  }

  readGoals(): RecordRead<Goal>[] {
    return this.#fresh(this.#goals).read();
  }

  /** The board's pathway stages in their `order`; stages that fail validation come last. */
  readPathwayStages(): RecordRead<PathwayStage>[] {
    return inPathwayOrder(this.#fresh(this.#stages).read());
  }

  readComments(): RecordRead<Comment>[] {
    return this.#fresh(this.#comments).read();
  }

  // Meetings (written through MeetingDocument)

  readMeetings(): RecordRead<Meeting>[] {
    return this.#fresh(this.#meetings).read();
  }

  readMeetingItems(): RecordRead<MeetingItem>[] {
    return this.#fresh(this.#meetingItems).read();
  }

  readAttendance(): RecordRead<Attendance>[] {
    return this.#fresh(this.#attendance).read();
  }

  readAmendments(): RecordRead<Amendment>[] {
    return this.#fresh(this.#amendments).read();
  }

  // People

  /**
   * Adds someone the team supports, with their shared text fields ready to be typed in together.
   * `text` gives those fields a first value (the demo board, imports).
   */
  addPerson(
    input: PersonInput,
    {
      by,
      now: at = new Date(),
      ...options
    }: WriteContext & {
      id?: string;
      text?: Partial<Record<PersonTextField, string>>;
    },
  ): Person {
    const id = options.id ?? uuidv4();
    const now = at.toISOString();
    const details = personInputSchema.safeParse(input);
    if (!details.success) failWith(details.error);
    this.#refuseTakenNhsNumber(details.data.nhsNumber, null);
    const person = personSchema.parse({
      ...details.data,
      ...options.text,
      id,
      createdAt: now,
      createdBy: by.name,
    });
    this.#transact(() => {
      const record = this.#newRecord(this.#people, id);
      this.#write(this.#people, record, person);
    });
    return person;
  }

  /**
   * Changes someone's details (name, NHS number, frailty, risk, key worker, organisations). A new NHS
   * number that someone else on the board already has is refused (`NhsNumberTakenError`); keeping
   * the one they have is not, so two people who shared a number before this check can still be edited.
   */
  updatePerson(id: string, patch: Partial<PersonDetails>, _context: WriteContext): Person {
    const record = this.#people.record(id, 'person');
    const merged = { ...toPlain(record), ...patch };
    const details = personInputSchema.safeParse(merged);
    if (!details.success) failWith(details.error);
    if (details.data.nhsNumber !== (record.get('nhsNumber') ?? null)) {
      this.#refuseTakenNhsNumber(details.data.nhsNumber, id);
    }
    const person = this.#check(this.#people, { ...merged, ...details.data, id });
    this.#transact(() => this.#write(this.#people, record, person));
    return person;
  }

  /** Moves a person to a pathway stage (or off the pathway, with null); the day they entered it restarts. */
  movePersonToStage(id: string, stageId: string | null, { now = new Date() }: WriteContext): void {
    const record = this.#people.record(id, 'person');
    if (stageId !== null) this.#stages.record(stageId, 'pathway stage');
    if ((record.get('stageId') ?? null) === stageId) return;
    const person = this.#check(this.#people, {
      ...toPlain(record),
      id,
      stageId,
      stageEnteredAt: stageId === null ? null : now.toISOString(),
    });
    this.#transact(() => this.#write(this.#people, record, person));
  }

  /** Archives a person with a reason. Nothing about them is deleted; they can be restored. */
  archivePerson(id: string, reason: string, { now = new Date() }: WriteContext): void {
    const record = this.#people.record(id, 'person');
    const checked = archiveReasonSchema.safeParse(reason);
    if (!checked.success) failWith(checked.error);
    const person = this.#check(this.#people, {
      ...toPlain(record),
      id,
      archived: true,
      archivedReason: checked.data,
      archivedAt: now.toISOString(),
    });
    this.#transact(() => this.#write(this.#people, record, person));
  }

  restorePerson(id: string, _context: WriteContext): void {
    const record = this.#people.record(id, 'person');
    const person = this.#check(this.#people, {
      ...toPlain(record),
      id,
      archived: false,
      archivedReason: '',
      archivedAt: null,
    });
    this.#transact(() => this.#write(this.#people, record, person));
  }

  // Goals

  addGoal(
    input: GoalInput,
    { by, now = new Date(), ...options }: WriteContext & { id?: string; notes?: string },
  ): Goal {
    const id = options.id ?? uuidv4();
    const fields = goalInputSchema.safeParse(input);
    if (!fields.success) failWith(fields.error);
    this.#people.record(fields.data.personId, 'person');
    const goal = goalSchema.parse({
      ...fields.data,
      id,
      notes: options.notes ?? '',
      createdAt: now.toISOString(),
      createdBy: by.name,
      createdById: by.id,
    });
    this.#transact(() => this.#write(this.#goals, this.#newRecord(this.#goals, id), goal));
    return goal;
  }

  updateGoal(id: string, patch: GoalPatch, _context: WriteContext): Goal {
    const record = this.#goals.record(id, 'goal');
    const checkedPatch = goalPatchSchema.safeParse(patch);
    if (!checkedPatch.success) failWith(checkedPatch.error);
    const goal = this.#check(this.#goals, { ...toPlain(record), ...checkedPatch.data, id });
    this.#transact(() => this.#write(this.#goals, record, goal));
    return goal;
  }

  // Actions

  addAction(
    input: ActionInput,
    { by, now = new Date(), id = uuidv4() }: WriteContext & { id?: string },
  ): Action {
    const action = newAction(id, input, by, now);
    this.#transact(() => this.#write(this.#actions, this.#newRecord(this.#actions, id), action));
    return action;
  }

  /**
   * Changes the given fields of an action as `by` (see `applyActionPatch`: completion stamps, who may
   * accept, reassignment). Throws when the action does not exist or the change is not allowed.
   */
  updateAction(id: string, patch: ActionPatch, { by, now = new Date() }: WriteContext): Action {
    const record = this.#actions.record(id, 'action');
    const current = actionSchema.safeParse({ ...toPlain(record), id });
    if (!current.success) failWith(current.error);
    const next = applyActionPatch(current.data, patch, by, now);
    this.#transact(() => this.#write(this.#actions, record, next));
    return next;
  }

  completeAction(id: string, context: WriteContext): Action {
    return this.updateAction(id, { status: 'done' }, context);
  }

  // Comments

  /** Adds a comment on an action or a person, as `by`; it mentions the team members `input.mentions` names. */
  addComment(
    input: CommentInput,
    { by, now = new Date(), id = uuidv4() }: WriteContext & { id?: string },
  ): Comment {
    const comment = newComment(id, input, by, now);
    const subject = comment.subjectType === 'actions' ? this.#actions : this.#people;
    subject.record(comment.subjectId, comment.subjectType === 'actions' ? 'action' : 'person');
    this.#transact(() => this.#write(this.#comments, this.#newRecord(this.#comments, id), comment));
    return comment;
  }

  /** Changes what a comment says, as its author; what it said before is kept with it. */
  editComment(
    id: string,
    change: { body: string; mentions: readonly string[] },
    { by, now = new Date() }: WriteContext,
  ): Comment {
    const record = this.#comments.record(id, 'comment');
    const next = editedComment(this.#check(this.#comments, { ...toPlain(record), id }), change, by, now);
    this.#transact(() => this.#write(this.#comments, record, next));
    return next;
  }

  /** Withdraws a comment, as its author: it stays on the board, shown as withdrawn. */
  withdrawComment(id: string, { by, now = new Date() }: WriteContext): Comment {
    const record = this.#comments.record(id, 'comment');
    const next = withdrawnComment(this.#check(this.#comments, { ...toPlain(record), id }), by, now);
    this.#transact(() => this.#write(this.#comments, record, next));
    return next;
  }

  // Pathway

  /** Adds pathway stages (a new board's template) in one transaction. Throws when a stage is invalid. */
  addPathwayStages(
    stages: readonly PathwayStage[],
    _context: WriteContext,
  ): { id: string; stage: PathwayStage }[] {
    const added = stages.map((stage) => ({ id: uuidv4(), stage: pathwayStageSchema.parse(stage) }));
    this.#transact(() => {
      for (const { id, stage } of added) this.#write(this.#stages, this.#newRecord(this.#stages, id), stage);
    });
    return added;
  }

  /** Adds a stage at the end of the pathway. */
  addStage(input: StageInput, { id = uuidv4() }: WriteContext & { id?: string }): PathwayStage {
    const fields = stageInputSchema.safeParse(input);
    if (!fields.success) failWith(fields.error);
    const orders = this.#validStages().map((s) => s.order);
    const stage = pathwayStageSchema.parse({
      ...fields.data,
      order: orders.length ? Math.max(...orders) + 1 : 0,
    });
    this.#transact(() => this.#write(this.#stages, this.#newRecord(this.#stages, id), stage));
    return stage;
  }

  updateStage(id: string, input: StageInput, _context: WriteContext): PathwayStage {
    const record = this.#stages.record(id, 'pathway stage');
    const fields = stageInputSchema.safeParse(input);
    if (!fields.success) failWith(fields.error);
    const stage = this.#check(this.#stages, { ...toPlain(record), ...fields.data });
    this.#transact(() => this.#write(this.#stages, record, stage));
    return stage;
  }

  /** Moves a stage to `index` among the valid stages; only the moved stage's `order` changes. */
  moveStage(id: string, index: number, _context: WriteContext): void {
    const record = this.#stages.record(id, 'pathway stage');
    const others = this.#validStages().filter((s) => s.id !== id);
    const at = Math.max(0, Math.min(index, others.length));
    const before = others[at - 1]?.order;
    const after = others[at]?.order;
    const order =
      before === undefined
        ? after === undefined
          ? 0
          : after - 1
        : after === undefined
          ? before + 1
          : (before + after) / 2;
    const stage = this.#check(this.#stages, { ...toPlain(record), order });
    this.#transact(() => this.#write(this.#stages, record, stage));
  }

  /** Removes a stage nobody is at. Stages are configuration, not clinical content. */
  removeStage(id: string, _context: WriteContext): void {
    this.#stages.record(id, 'pathway stage');
    const at = this.readPeople().filter((p) => p.ok && !p.value.archived && p.value.stageId === id).length;
    const problem = stageRemovalProblem(at);
    if (problem) throw new Error(problem);
    this.#transact(() => {
      this.#stages.map.delete(id);
      // Archived people keep their record; they are simply no longer at a stage.
      this.#people.map.forEach((person) => {
        if (person instanceof Y.Map && person.get('stageId') === id) {
          person.set('stageId', null);
          person.set('stageEnteredAt', null);
        }
      });
    });
  }

  // Restoring from a past version

  /**
   * Puts records back as a past version had them, as one new change: for each, only the fields that
   * differ (`fields`, or every field of its collection), shared text by the smallest edit (so what
   * someone types elsewhere in it meanwhile is kept). A record no longer on the board is made again,
   * whole, with its id. Records not named are left alone. Returns, per record, the fields it changed.
   */
  restoreRecords(
    records: readonly {
      collection: CollectionName;
      id: string;
      /** The record's fields as the version has them (text fields as strings). */
      values: Readonly<Record<string, unknown>>;
      fields?: readonly string[];
    }[],
  ): { collection: CollectionName; id: string; fields: string[] }[] {
    const restored: { collection: CollectionName; id: string; fields: string[] }[] = [];
    this.doc.transact(() => {
      for (const { collection, id, values, fields } of records) {
        const spec = COLLECTIONS[collection];
        const map = this.#collection(collection).map;
        let record = map.get(id);
        const remade = !(record instanceof Y.Map);
        if (!(record instanceof Y.Map)) {
          record = new Y.Map<unknown>();
          map.set(id, record);
        }
        const names = (remade || !fields ? [...spec.fields] : fields).filter(
          (field) => spec.fields.has(field) && field in values,
        );
        const changed: string[] = [];
        for (const field of names) {
          const value = values[field];
          if (spec.textFields.includes(field)) {
            let text = record.get(field);
            if (!(text instanceof Y.Text)) {
              text = new Y.Text(typeof text === 'string' ? text : '');
              record.set(field, text);
            }
            const target = typeof value === 'string' ? value : '';
            const splice = spliceBetween((text as Y.Text).toString(), target);
            if (splice.cut === 0 && splice.put === '') continue;
            if (splice.cut > 0) (text as Y.Text).delete(splice.at, splice.cut);
            if (splice.put) (text as Y.Text).insert(splice.at, splice.put);
            changed.push(field);
          } else if (!sameValue(record.get(field), value)) {
            record.set(field, value);
            changed.push(field);
          }
        }
        if (changed.length > 0) restored.push({ collection, id, fields: changed });
      }
    }, this.origin);
    return restored;
  }

  // Shared text

  /**
   * The Y.Text behind one of a record's shared text fields, for a text binding in the browser (the
   * only code outside this class that sees it). A field an old or hostile client left as a plain
   * value becomes a Y.Text holding that value. Null when the record or field does not exist.
   */
  sharedText(collection: CollectionName, id: string, field: string): Y.Text | null {
    if (!TEXT_FIELDS[collection].includes(field)) return null;
    const record = this.#collection(collection).map.get(id);
    if (!(record instanceof Y.Map)) return null;
    const current = record.get(field);
    if (current instanceof Y.Text) return current;
    const text = new Y.Text(typeof current === 'string' ? current : '');
    // Not this accessor's origin: undo must never take the shared text away from under a binding.
    this.doc.transact(() => record.set(field, text), CONVERSION_ORIGIN);
    return text;
  }

  /**
   * Undo and redo of this document's own changes only: transactions carrying this accessor's origin
   * (and text bindings' untagged local edits, `null`), never a change that came from someone else.
   * Typing within half a second is undone together.
   */
  createUndoManager(): Y.UndoManager {
    return new Y.UndoManager(
      this.#collections.map((c) => c.map),
      { trackedOrigins: new Set([this.origin, null]), captureTimeout: 500 },
    );
  }

  /**
   * Reads of the board made elsewhere with these same validators (the server's snapshot, shown while
   * this document loaded): the next whole read of each collection takes a record's known read, as
   * the same object, where the record still equals its valid value, rather than validating it again.
   */
  expectReads(reads: Partial<Record<CollectionName, readonly RecordRead<unknown>[]>>): void {
    for (const collection of this.#collections) collection.expect(reads[collection.name] ?? []);
  }

  /** Calls `listener` after every change to the board's records, local or remote. */
  onChange(listener: () => void): () => void {
    if (this.#observers.length === 0) {
      for (const collection of this.#collections) {
        const observer = (events: Y.YEvent<any>[]): void => {
          collection.noteChanges(events);
          for (const notify of this.#listeners) notify();
        };
        collection.map.observeDeep(observer);
        this.#observers.push([collection, observer]);
      }
    }
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      for (const [collection, observer] of this.#observers.splice(0)) {
        collection.map.unobserveDeep(observer);
        collection.invalidate();
      }
    };
  }

  #collection(name: CollectionName): RecordCollection<unknown> {
    const found = this.#collections.find((c) => c.name === name);
    if (!found) throw new Error(`No collection ${name}`);
    return found;
  }

  /** Without an observer the cache cannot know what changed, so it reads everything afresh. */
  #fresh<T>(collection: RecordCollection<T>): RecordCollection<T> {
    if (this.#observers.length === 0) collection.invalidate();
    return collection;
  }

  #validStages(): (PathwayStage & { id: string })[] {
    return this.readPathwayStages().flatMap((s) => (s.ok ? [{ ...s.value, id: s.id }] : []));
  }

  #transact(fn: () => void): void {
    this.doc.transact(fn, this.origin);
  }

  /** Throws `NhsNumberTakenError` when someone on the board other than `exceptId` has `nhsNumber`. */
  #refuseTakenNhsNumber(nhsNumber: string | null, exceptId: string | null): void {
    const people = [...this.#people.map.entries()].map(([id, record]) =>
      record instanceof Y.Map
        ? {
            id,
            name: record.get('name'),
            nhsNumber: record.get('nhsNumber'),
            archived: record.get('archived'),
          }
        : { id },
    );
    const holder = findNhsNumberHolder(people, nhsNumber, exceptId);
    if (holder) throw new NhsNumberTakenError(holder);
  }

  #check<T>(collection: RecordCollection<T>, value: Record<string, unknown>): T {
    const checked = collection.schema.safeParse(value);
    if (!checked.success) failWith(checked.error);
    return checked.data;
  }

  #newRecord(collection: RecordCollection<unknown>, id: string): Y.Map<unknown> {
    if (collection.map.has(id)) throw new Error(`A record with id ${id} is already on this board`);
    const record = new Y.Map<unknown>();
    collection.map.set(id, record);
    return record;
  }

  /**
   * Writes a validated record's fields that differ from what is stored. Shared text fields are
   * created as Y.Text when missing and otherwise left to the text binding.
   */
  #write(collection: RecordCollection<unknown>, target: Y.Map<unknown>, value: object): void {
    const textFields = TEXT_FIELDS[collection.name];
    for (const [key, field] of Object.entries(value)) {
      if (field === undefined || key === 'id') continue;
      if (textFields.includes(key)) {
        if (!(target.get(key) instanceof Y.Text)) target.set(key, new Y.Text(String(field ?? '')));
        continue;
      }
      if (!sameValue(target.get(key), field)) target.set(key, field);
    }
  }
}
