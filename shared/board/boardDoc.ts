import * as Y from 'yjs';
import { uuidv4 } from 'lib0/random';
import { actionSchema, newAction, type Action, type ActionInput, type ActionPatch } from './action.ts';
import { pathwayStageSchema, type PathwayStage } from './pathway.ts';
import { personSchema, type Person } from './person.ts';
import { readRecord, type RecordRead } from './record.ts';

/**
 * The names of the board document's top-level collections. Each is a flat id -> record map,
 * and each record is a Y.Map of fields, so two people changing different fields of one record
 * both keep their change.
 */
export const Collection = {
  actions: 'actions',
  people: 'people',
  pathwayStages: 'pathwayStages',
} as const;

type RecordMap = Y.Map<Y.Map<unknown>>;

function toPlain(record: Y.Map<unknown>): Record<string, unknown> {
  return record.toJSON() as Record<string, unknown>;
}

function readAll<T>(map: RecordMap, schema: Parameters<typeof readRecord<T>>[0]): RecordRead<T>[] {
  const out: RecordRead<T>[] = [];
  map.forEach((value, id) => {
    out.push(
      value instanceof Y.Map
        ? readRecord(schema, id, toPlain(value))
        : { id, ok: false, problems: ['record is not a map of fields'], raw: { value } },
    );
  });
  return out;
}

function writeFields(target: Y.Map<unknown>, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (target.get(key) !== value) target.set(key, value);
  }
}

/**
 * Typed read and write access to one board's Yjs document. Components and stores use this,
 * never the Y types themselves. Every write is one transaction carrying the caller's origin.
 */
export class BoardDocument {
  readonly #actions: RecordMap;
  readonly #people: RecordMap;
  readonly #pathwayStages: RecordMap;

  constructor(
    readonly doc: Y.Doc,
    private readonly origin: unknown = null,
  ) {
    this.#actions = doc.getMap(Collection.actions);
    this.#people = doc.getMap(Collection.people);
    this.#pathwayStages = doc.getMap(Collection.pathwayStages);
  }

  readActions(): RecordRead<Action>[] {
    return readAll(this.#actions, actionSchema);
  }

  readPeople(): RecordRead<Person>[] {
    return readAll(this.#people, personSchema);
  }

  /** The board's pathway stages in their `order`; stages that fail validation come last. */
  readPathwayStages(): RecordRead<PathwayStage>[] {
    const stages = readAll(this.#pathwayStages, pathwayStageSchema);
    const rank = (read: RecordRead<PathwayStage>) => (read.ok ? read.value.order : Number.POSITIVE_INFINITY);
    return stages.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  }

  /** Adds pathway stages (a new board's template) in one transaction. Throws when a stage is invalid. */
  addPathwayStages(stages: readonly PathwayStage[]): { id: string; stage: PathwayStage }[] {
    const added = stages.map((stage) => ({ id: uuidv4(), stage: pathwayStageSchema.parse(stage) }));
    this.doc.transact(() => {
      for (const { id, stage } of added) {
        const record = new Y.Map<unknown>();
        this.#pathwayStages.set(id, record);
        writeFields(record, stage);
      }
    }, this.origin);
    return added;
  }

  addAction(input: ActionInput, createdBy: string, id: string = uuidv4()): Action {
    const action = newAction(id, input, createdBy);
    this.doc.transact(() => {
      const record = new Y.Map<unknown>();
      this.#actions.set(id, record);
      writeFields(record, { ...action, id: undefined });
    }, this.origin);
    return action;
  }

  /**
   * Changes the given fields of an action. Moving to `done` stamps `completedAt`; moving away
   * from it clears the stamp. Throws when the action does not exist or the result is invalid.
   */
  updateAction(id: string, patch: ActionPatch, now = new Date()): void {
    const record = this.#actions.get(id);
    if (!(record instanceof Y.Map)) throw new Error(`No action with id ${id} on this board`);
    const current = toPlain(record);
    const completedAt =
      patch.status === undefined || patch.status === current.status
        ? undefined
        : patch.status === 'done'
          ? now.toISOString()
          : null;
    const next = { ...current, ...patch, ...(completedAt === undefined ? {} : { completedAt }) };
    const checked = actionSchema.safeParse({ ...next, id });
    if (!checked.success) throw new Error(checked.error.issues.map((i) => i.message).join('; '));
    this.doc.transact(() => writeFields(record, { ...checked.data, id: undefined }), this.origin);
  }

  completeAction(id: string): void {
    this.updateAction(id, { status: 'done' });
  }

  addPerson(person: Omit<Person, 'id'>, id: string = uuidv4()): Person {
    const value = personSchema.parse({ ...person, id });
    this.doc.transact(() => {
      const record = new Y.Map<unknown>();
      this.#people.set(id, record);
      writeFields(record, { ...value, id: undefined });
    }, this.origin);
    return value;
  }

  /** Calls `listener` after every change to the board's records, local or remote. */
  onChange(listener: () => void): () => void {
    const handler = (): void => listener();
    this.#actions.observeDeep(handler);
    this.#people.observeDeep(handler);
    this.#pathwayStages.observeDeep(handler);
    return () => {
      this.#actions.unobserveDeep(handler);
      this.#people.unobserveDeep(handler);
      this.#pathwayStages.unobserveDeep(handler);
    };
  }
}
