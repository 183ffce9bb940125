import * as Y from 'yjs';
import { sql, type Kysely } from 'kysely';
import { BoardDocument } from '#shared/board/boardDoc';
import { boardChanges, type BoardState, type PersonChanges } from '#shared/board/changes';
import { validRecords } from '#shared/board/record';
import { ukToday } from '#shared/progress';
import type { Database } from '../db/schema.ts';

/** A board's valid records from a whole document state. */
export function boardState(update: Uint8Array | null): BoardState {
  const doc = new Y.Doc();
  try {
    if (update) Y.applyUpdate(doc, update);
    const board = new BoardDocument(doc);
    return {
      people: validRecords(board.readPeople()),
      goals: validRecords(board.readGoals()),
      actions: validRecords(board.readActions()),
      stages: board.readPathwayStages().flatMap((s) => (s.ok ? [{ ...s.value, id: s.id }] : [])),
    };
  } finally {
    doc.destroy();
  }
}

interface LastChange {
  record_type: string;
  record_id: string;
  field: string;
  user_id: string | null;
  user_name: string | null;
  at: Date;
}

/**
 * Who made each change, and when: the last audit row in the window for any of its fields (typing
 * counts to its last keystroke). A change the trail does not cover in the window keeps none.
 */
async function attribute(
  db: Kysely<Database>,
  boardId: string,
  window: { from: Date; to: Date },
  people: PersonChanges[],
): Promise<void> {
  const rows = await sql<LastChange>`
    select distinct on (record_type, record_id, field) record_type, record_id, field, user_id, user_name, at
    from audit_events
    where board_id = ${boardId} and event = 'change' and at > ${window.from} and at <= ${window.to}
      and field is not null
    order by record_type, record_id, field, id desc`.execute(db);
  const last = new Map(rows.rows.map((row) => [`${row.record_type}/${row.record_id}/${row.field}`, row]));
  for (const group of people)
    for (const change of group.changes) {
      let latest: LastChange | undefined;
      for (const field of change.fields) {
        const row = last.get(`${change.recordType}/${change.recordId}/${field}`);
        if (row && (!latest || new Date(row.at) > new Date(latest.at))) latest = row;
      }
      if (!latest) continue;
      change.by = latest.user_id === null ? null : (latest.user_name ?? '');
      change.at = new Date(latest.at).toISOString();
    }
}

/**
 * What changed on a board from one whole state (saved at `from.at`) to another (at `to.at`), grouped
 * by person, with who made each change and when.
 */
export async function changesBetween(
  db: Kysely<Database>,
  boardId: string,
  from: { state: Uint8Array; at: Date },
  to: { state: Uint8Array | null; at: Date },
): Promise<PersonChanges[]> {
  const people = boardChanges(boardState(from.state), boardState(to.state), ukToday(from.at), ukToday(to.at));
  await attribute(db, boardId, { from: from.at, to: to.at }, people);
  return people;
}
