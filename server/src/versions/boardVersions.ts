import * as Y from 'yjs';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ukToday } from '#shared/progress';
import type { BoardVersionSummary, VersionKind } from '#shared/versions';
import type { BoardVersionsTable, Database } from '../db/schema.ts';
import { storableText } from '../db/storable.ts';
import type { Logger } from '../log.ts';

/** What the retention policy keeps of automatic versions (labelled ones are never removed). */
export interface VersionsConfig {
  /** From this hour (0-23, UK time) each day, a version is saved of every board changed since its last. */
  dailyHour: number;
  /** Every automatic version of the last this many days is kept. */
  keepAllDays: number;
  /** Before that, the last of each week, for this many days; 0: for as long as the board. */
  keepWeeklyDays: number;
}

export const DEFAULT_VERSIONS_CONFIG: VersionsConfig = { dailyHour: 1, keepAllDays: 30, keepWeeklyDays: 365 };

const DAY_MS = 24 * 60 * 60 * 1000;
/** Authors named on one version, at most (a board a whole trust edits). */
const AUTHORS_NAMED = 50;
/**
 * A version is stored as what changed since the board's newest keyframe (a version stored whole)
 * while that keyframe is younger than this and the change smaller than `DELTA_MOST` of the whole;
 * otherwise whole, as the next keyframe. A day's versions of a busy board cost its day's changes.
 */
const KEYFRAME_DAYS = 7;
const DELTA_MOST = 0.5;

type VersionRow = Omit<Selectable<BoardVersionsTable>, 'state' | 'base_id' | 'state_vector'>;
type Db = Kysely<Database>;

const SUMMARY_COLUMNS = [
  'id',
  'board_id',
  'kind',
  'label',
  'saved_at',
  'saved_by_id',
  'saved_by_name',
  'authors',
] as const;

export function toVersionSummary(row: VersionRow): BoardVersionSummary {
  return {
    id: String(row.id),
    kind: row.kind,
    label: row.label,
    savedAt: new Date(row.saved_at).toISOString(),
    savedBy: row.saved_by_id === null ? null : { name: row.saved_by_name ?? '' },
    authors: row.authors,
  };
}

/**
 * A board's document as a version keeps it: applied to a fresh document and encoded again, so the
 * content deleted before it is not kept (the version needs nothing but itself to be read).
 */
export function versionState(update: Uint8Array): Uint8Array {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, update);
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/** When the board's newest version was saved; null when it has none. */
async function lastSavedAt(db: Db, boardId: string): Promise<Date | null> {
  const row = await db
    .selectFrom('board_versions')
    .select((eb) => eb.fn.max('saved_at').as('at'))
    .where('board_id', '=', boardId)
    .executeTakeFirst();
  return row?.at ? new Date(row.at) : null;
}

/** Who changed the board (by name, most changes first) after `since` (all of its history when null). */
async function authorsSince(db: Db, boardId: string, since: Date | null): Promise<string[]> {
  let query = db
    .selectFrom('audit_events')
    .select(['user_name', (eb) => eb.fn.countAll().as('changes')])
    .where('board_id', '=', boardId)
    .where('event', '=', 'change')
    .where('user_id', 'is not', null)
    .groupBy('user_name')
    .orderBy('changes', 'desc')
    .orderBy('user_name')
    .limit(AUTHORS_NAMED);
  if (since) query = query.where('at', '>', since);
  return (await query.execute()).flatMap((row) => (row.user_name ? [row.user_name] : []));
}

/** Whether anyone changed the board after `since`. */
async function changedSince(db: Db, boardId: string, since: Date | null): Promise<boolean> {
  let query = db
    .selectFrom('audit_events')
    .select('id')
    .where('board_id', '=', boardId)
    .where('event', '=', 'change')
    .limit(1);
  if (since) query = query.where('at', '>', since);
  return (await query.executeTakeFirst()) !== undefined;
}

export interface NewVersion {
  kind: VersionKind;
  label: string | null;
  by: { id: string; name: string } | null;
  at: Date;
}

/**
 * Saves a version of the board from its whole state (`versionState`), naming the authors of the
 * changes since the version before it. In the caller's transaction when given one.
 */
export async function insertVersion(
  db: Db,
  boardId: string,
  state: Uint8Array,
  version: NewVersion,
): Promise<BoardVersionSummary> {
  const since = await lastSavedAt(db, boardId);
  const authors = await authorsSince(db, boardId, since);
  const keyframe = await db
    .selectFrom('board_versions')
    .select(['id', 'saved_at', 'state_vector'])
    .where('board_id', '=', boardId)
    .where('base_id', 'is', null)
    .orderBy('saved_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let stored = state;
  let base: string | null = null;
  if (keyframe && version.at.getTime() - new Date(keyframe.saved_at).getTime() < KEYFRAME_DAYS * DAY_MS) {
    const delta = Y.diffUpdate(state, keyframe.state_vector);
    if (delta.byteLength < state.byteLength * DELTA_MOST) {
      stored = delta;
      base = String(keyframe.id);
    }
  }
  const row = await db
    .insertInto('board_versions')
    .values({
      board_id: boardId,
      kind: version.kind,
      label: version.label === null ? null : storableText(version.label),
      state: stored,
      base_id: base,
      state_vector: Y.encodeStateVectorFromUpdate(state),
      saved_at: version.at,
      saved_by_id: version.by?.id ?? null,
      saved_by_name: version.by ? storableText(version.by.name) : null,
      authors: JSON.stringify(authors),
    })
    .returning(SUMMARY_COLUMNS)
    .executeTakeFirstOrThrow();
  return toVersionSummary(row);
}

/**
 * Saves an automatic version of the board unless it has one from today (UK) or nobody has changed
 * it since its last: what the server does before it folds a board's history, and once a day.
 * Returns whether it saved one.
 */
export async function saveAutomaticIfDue(
  db: Db,
  boardId: string,
  state: () => Uint8Array | Promise<Uint8Array | null>,
  at: Date,
): Promise<boolean> {
  const last = await lastSavedAt(db, boardId);
  if (last && ukToday(last) === ukToday(at)) return false;
  if (!(await changedSince(db, boardId, last))) return false;
  const whole = await state();
  if (!whole) return false;
  await insertVersion(db, boardId, whole, { kind: 'automatic', label: null, by: null, at });
  return true;
}

/**
 * A board's versions: saved by hand with a label, automatically each day for a board that changed
 * (and by storage before it folds a board's history), listed, read back whole, and thinned by the
 * retention policy. The daily work runs once per day across servers (a `scheduled_runs` row).
 */
export class BoardVersions {
  readonly #now: () => Date;

  constructor(
    private readonly db: Db,
    /** The board's whole state now, as storage holds it (stored and not stored yet). */
    private readonly stateOf: (boardId: string) => Promise<Uint8Array | null>,
    private readonly log: Logger,
    private readonly config: VersionsConfig = DEFAULT_VERSIONS_CONFIG,
    now?: () => Date,
  ) {
    this.#now = now ?? (() => new Date());
  }

  /** Saves the board as it is now, with a label, by someone. Null when the board has no document. */
  async save(
    boardId: string,
    label: string,
    by: { id: string; name: string },
  ): Promise<BoardVersionSummary | null> {
    const state = await this.stateOf(boardId);
    if (!state) return null;
    return insertVersion(this.db, boardId, versionState(state), {
      kind: 'labelled',
      label,
      by,
      at: this.#now(),
    });
  }

  /** The board's whole state as it is now (stored and not stored yet). */
  current(boardId: string): Promise<Uint8Array | null> {
    return this.stateOf(boardId);
  }

  /** How many labelled versions of the board have been saved since `since`. */
  async labelledSince(boardId: string, since: Date): Promise<number> {
    const row = await this.db
      .selectFrom('board_versions')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('board_id', '=', boardId)
      .where('kind', '=', 'labelled')
      .where('saved_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  /** The board's versions, newest first. */
  async list(boardId: string): Promise<BoardVersionSummary[]> {
    const rows = await this.db
      .selectFrom('board_versions')
      .select(SUMMARY_COLUMNS)
      .where('board_id', '=', boardId)
      .orderBy('saved_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toVersionSummary);
  }

  /** One version of the board, without its document; undefined when the board has no such version. */
  async summary(boardId: string, versionId: string): Promise<BoardVersionSummary | undefined> {
    const row = await this.db
      .selectFrom('board_versions')
      .select(SUMMARY_COLUMNS)
      .where('board_id', '=', boardId)
      .where('id', '=', versionId)
      .executeTakeFirst();
    return row && toVersionSummary(row);
  }

  /** One version of the board, whole; undefined when the board has no such version. */
  async read(
    boardId: string,
    versionId: string,
  ): Promise<{ summary: BoardVersionSummary; state: Uint8Array } | undefined> {
    const row = await this.db
      .selectFrom('board_versions')
      .select([...SUMMARY_COLUMNS, 'state', 'base_id'])
      .where('board_id', '=', boardId)
      .where('id', '=', versionId)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.base_id === null) return { summary: toVersionSummary(row), state: row.state };
    // What changed since its keyframe, on the keyframe: the version whole.
    const keyframe = await this.db
      .selectFrom('board_versions')
      .select('state')
      .where('id', '=', String(row.base_id))
      .executeTakeFirstOrThrow();
    // The two merged are the version whole, as one update a browser applies.
    return { summary: toVersionSummary(row), state: Y.mergeUpdates([keyframe.state, row.state]) };
  }

  /** The day's versions once the hour comes, and the retention policy: call it every minute or so. */
  async tick(): Promise<void> {
    const now = this.#now();
    const today = ukToday(now);
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', {
        hour: 'numeric',
        hourCycle: 'h23',
        timeZone: 'Europe/London',
      }).format(now),
    );
    if (hour < this.config.dailyHour) return;
    // One server does the day's work; a board it fails on is saved at its next compaction or tomorrow.
    const claimed = await this.db
      .insertInto('scheduled_runs')
      .values({ job: 'daily-versions', period: today })
      .onConflict((oc) => oc.doNothing())
      .returning('job')
      .executeTakeFirst();
    if (!claimed) return;
    const saved = await this.saveDaily(now);
    const removed = await this.prune(now);
    this.log.info({ saved, removed }, 'saved the day’s automatic versions and applied the retention policy');
  }

  /** An automatic version of every board changed since its last version (none of them today). */
  async saveDaily(now: Date = this.#now()): Promise<number> {
    const boards = await this.db
      .selectFrom('boards')
      .select('id')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('audit_events as a')
            .select('a.id')
            .whereRef('a.board_id', '=', 'boards.id')
            .where('a.event', '=', 'change')
            .where('a.at', '>', (inner) =>
              inner
                .selectFrom('board_versions as v')
                .select(sql<Date>`coalesce(max(v.saved_at), '-infinity'::timestamptz)`.as('at'))
                .whereRef('v.board_id', '=', 'boards.id'),
            ),
        ),
      )
      .execute();
    let saved = 0;
    for (const { id } of boards) {
      try {
        const state = async () => {
          const whole = await this.stateOf(id);
          return whole && versionState(whole);
        };
        if (await saveAutomaticIfDue(this.db, id, state, now)) saved += 1;
      } catch (err) {
        this.log.error({ err, boardId: id }, 'saving a board’s daily version failed; tried again tomorrow');
      }
    }
    return saved;
  }

  /**
   * The retention policy: automatic versions of the last `keepAllDays` days stay; before that, the
   * last of each week (UK) for `keepWeeklyDays`; older ones go. A board's newest version always
   * stays, labelled versions are never removed, and nor is a keyframe while a version is encoded
   * against it. Returns how many were removed.
   */
  async prune(now: Date = this.#now()): Promise<number> {
    const allSince = new Date(now.getTime() - this.config.keepAllDays * DAY_MS);
    const weeklySince =
      this.config.keepWeeklyDays > 0 ? new Date(now.getTime() - this.config.keepWeeklyDays * DAY_MS) : null;
    const week = (alias: string) =>
      sql`date_trunc('week', ${sql.ref(`${alias}.saved_at`)} at time zone 'Europe/London')`;
    let removed = 0;
    // A keyframe goes once the versions encoded against it have gone: a second round removes it.
    for (let round = 0; round < 3; round += 1) {
      const result = await sql<{ id: string }>`
        delete from board_versions v
        where v.kind = 'automatic' and v.saved_at < ${allSince}
          and exists (select 1 from board_versions n where n.board_id = v.board_id and n.saved_at > v.saved_at)
          and not exists (select 1 from board_versions d where d.base_id = v.id)
          and (${weeklySince === null ? sql`false` : sql`v.saved_at < ${weeklySince}`}
            or exists (
              select 1 from board_versions w
              where w.board_id = v.board_id and w.kind = 'automatic' and w.saved_at > v.saved_at
                and ${week('w')} = ${week('v')}))
        returning v.id`.execute(this.db);
      removed += result.rows.length;
      if (result.rows.length === 0) break;
    }
    return removed;
  }
}
