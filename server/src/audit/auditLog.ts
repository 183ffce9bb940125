import { sql, type Kysely, type Selectable } from 'kysely';
import type { AuditEntry, AuditValue, TextAuthor } from '#shared/audit';
import { TEXT_FIELDS, isCollectionName } from '#shared/board/records';
import { BURST_PAUSE_MS } from './typingBursts.ts';
import type { AuditEventsTable, Database, NewAuditEvent } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import { storableKey, storableText } from '../db/storable.ts';
import { applySplice, type TextSplice } from '#shared/textSplice';

export const HISTORY_LIMIT = 500;
/** Bursts whose later rows are read in one query. */
const BURSTS_PER_QUERY = 500;

export type AuditRow = Selectable<AuditEventsTable>;

/** What a burst of typing came to: the text after its last keystroke that fits, and when that was. */
interface Folded {
  after: AuditValue;
  until: Date | null;
}

/**
 * The later rows of each burst among `rows` (the rows that start one), folded into the text they
 * leave: one query per `BURSTS_PER_QUERY` bursts, however many keystrokes each holds. Should a row of
 * a burst be missing (the database refused it), its text stops at the last keystroke that fits.
 */
async function foldBursts(db: Kysely<Database>, rows: readonly AuditRow[]): Promise<Map<string, Folded>> {
  const folded = new Map<string, Folded>();
  const texts = new Map<string, string>();
  for (const row of rows) {
    if (row.burst === null || row.splice !== null || typeof row.after !== 'string') continue;
    folded.set(row.burst, { after: row.after, until: null });
    texts.set(row.burst, row.after);
  }
  const bursts = [...texts.keys()];
  for (let i = 0; i < bursts.length; i += BURSTS_PER_QUERY) {
    const later = await db
      .selectFrom('audit_events')
      .select(['burst', 'at', 'splice'])
      .where('burst', 'in', bursts.slice(i, i + BURSTS_PER_QUERY))
      .where('splice', 'is not', null)
      .orderBy('id')
      .execute();
    for (const row of later) {
      const text = texts.get(row.burst!);
      if (text === undefined) continue;
      const next = applySplice(text, row.splice as TextSplice);
      if (next === null) {
        texts.delete(row.burst!);
        continue;
      }
      texts.set(row.burst!, next);
      folded.set(row.burst!, { after: next, until: new Date(row.at) });
    }
  }
  return folded;
}

function toAuditEntry(row: AuditRow, folded: Folded | undefined): AuditEntry {
  return {
    id: String(row.id),
    at: new Date(row.at).toISOString(),
    until: folded?.until ? folded.until.toISOString() : null,
    event: row.event,
    boardId: row.board_id,
    user: row.user_id ? { name: row.user_name ?? '' } : null,
    recordType: row.record_type,
    recordId: row.record_id,
    field: row.field,
    before: row.before ?? null,
    after: folded ? folded.after : (row.after ?? null),
  };
}

/** Whether a row is typing kept before bursts were (each keystroke a row with the whole text). */
function typedBeforeBursts(row: AuditRow): boolean {
  return (
    row.burst === null &&
    row.event === 'change' &&
    row.user_id !== null &&
    row.record_type !== null &&
    row.field !== null &&
    isCollectionName(row.record_type) &&
    TEXT_FIELDS[row.record_type].includes(row.field) &&
    typeof row.before === 'string' &&
    typeof row.after === 'string'
  );
}

/**
 * Typing kept before bursts were, read as bursts all the same: in time order, a keystroke row that
 * follows the same person's last one in the same field (within `BURST_PAUSE_MS`, with nobody else's
 * change to the field between, from the text it left) joins its entry. `pairs` are oldest first.
 */
function foldOldTyping(pairs: readonly { row: AuditRow; entry: AuditEntry }[]): AuditEntry[] {
  const open = new Map<string, { userId: string; entry: AuditEntry }>();
  const out: AuditEntry[] = [];
  for (const { row, entry } of pairs) {
    const key = `${row.board_id}/${row.record_type}/${row.record_id}/${row.field}`;
    const typed = typedBeforeBursts(row);
    const last = open.get(key);
    if (
      typed &&
      last &&
      last.userId === row.user_id &&
      Date.parse(entry.at) - Date.parse(last.entry.until ?? last.entry.at) <= BURST_PAUSE_MS &&
      last.entry.after === entry.before
    ) {
      last.entry.after = entry.after;
      last.entry.until = entry.at;
      continue;
    }
    out.push(entry);
    if (typed) open.set(key, { userId: row.user_id!, entry });
    else if (row.record_type !== null) open.delete(key);
  }
  return out;
}

/**
 * Rows of the trail as entries, in the order given (`newest first` or `oldest first`): each burst of
 * typing (given by its first row) one entry from the text before it to the text after, and typing
 * kept before bursts were read the same way. `rows` must not hold a burst's later rows.
 */
export async function auditEntries(
  db: Kysely<Database>,
  rows: readonly AuditRow[],
  order: 'newest first' | 'oldest first',
): Promise<AuditEntry[]> {
  const folded = await foldBursts(db, rows);
  const pairs = rows.map((row) => ({
    row,
    entry: toAuditEntry(row, row.burst === null ? undefined : folded.get(row.burst)),
  }));
  if (order === 'oldest first') return foldOldTyping(pairs);
  return foldOldTyping([...pairs].reverse()).reverse();
}

/**
 * Reads the audit trail and records board openings. Changes are recorded by board storage, in the
 * same transaction as the update they describe. There is no method to change or delete a row, and
 * the database refuses it anyway.
 */
export class AuditLog {
  constructor(private readonly db: Kysely<Database>) {}

  async recordOpen(boardId: string, principal: Pick<Principal, 'userId' | 'name'>): Promise<void> {
    const row: NewAuditEvent = {
      event: 'open',
      board_id: boardId,
      user_id: principal.userId,
      user_name: principal.name,
      record_type: null,
      record_id: null,
      field: null,
      before: null,
      after: null,
    };
    await this.db.insertInto('audit_events').values(row).execute();
  }

  /** Notes that someone restored a record (or, with none named, the whole board) from a version. */
  async recordRestore(
    boardId: string,
    principal: Pick<Principal, 'userId' | 'name'>,
    record: { type: string; id: string } | null,
    version: { id: string; name: string },
  ): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        event: 'restore',
        board_id: boardId,
        user_id: principal.userId,
        user_name: principal.name,
        record_type: record?.type ?? null,
        record_id: record ? storableKey(record.id) : null,
        field: null,
        before: null,
        after: JSON.stringify({ versionId: version.id, version: storableText(version.name) }),
      })
      .execute();
  }

  /** One record's trail, newest first, a burst of typing as one entry. */
  async history(boardId: string, recordType: string, recordId: string): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('board_id', '=', boardId)
      .where('record_type', '=', recordType)
      .where('record_id', '=', recordId)
      .where('splice', 'is', null)
      .orderBy('id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute();
    return auditEntries(this.db, rows, 'newest first');
  }

  /**
   * Who last changed each text field of the board's people and goals, and when: the newest entry
   * per field (read through the record index, which leaves out typing's later keystrokes), with a
   * burst's time taken from its last keystroke.
   */
  async textAuthors(boardId: string): Promise<TextAuthor[]> {
    const fields = [...TEXT_FIELDS.people, ...TEXT_FIELDS.goals];
    const rows = await sql<{
      record_type: 'people' | 'goals';
      record_id: string;
      field: string;
      user_id: string | null;
      user_name: string | null;
      at: Date;
      burst: string | null;
    }>`
      select distinct on (record_type, record_id, field)
        record_type, record_id, field, user_id, user_name, at, burst
      from audit_events
      where board_id = ${boardId} and record_type in ('people', 'goals') and splice is null
        and field in (${sql.join(fields)})
      order by record_type, record_id, field, id desc`.execute(this.db);
    const bursts = rows.rows.flatMap((row) => (row.burst ? [row.burst] : []));
    const ends = new Map<string, Date>();
    for (let i = 0; i < bursts.length; i += BURSTS_PER_QUERY) {
      const found = await this.db
        .selectFrom('audit_events')
        .select(['burst', (eb) => eb.fn.max('at').as('at')])
        .where('burst', 'in', bursts.slice(i, i + BURSTS_PER_QUERY))
        .where('splice', 'is not', null)
        .groupBy('burst')
        .execute();
      for (const row of found) if (row.burst) ends.set(row.burst, new Date(row.at));
    }
    return rows.rows.map((row) => ({
      recordType: row.record_type,
      recordId: row.record_id,
      field: row.field,
      by: row.user_id === null ? null : (row.user_name ?? ''),
      at: (row.burst ? (ends.get(row.burst) ?? new Date(row.at)) : new Date(row.at)).toISOString(),
    }));
  }
}
