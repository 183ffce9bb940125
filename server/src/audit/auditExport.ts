import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Kysely } from 'kysely';
import type { AuditEntry, AuditExportQuery } from '#shared/audit';
import { AUDIT_CSV_COLUMNS } from '#shared/audit';
import type { Database } from '../db/schema.ts';
import { auditEntries } from './auditLog.ts';

type CsvColumn = (typeof AUDIT_CSV_COLUMNS)[number];

/** Rows read from the database per query while the export streams. */
const PAGE_SIZE = 1_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The export's time range in UTC: from the start of `from` up to (not including) the day after `to`. */
export function exportRange(query: AuditExportQuery): { start: Date; end: Date } {
  const start = new Date(`${query.from}T00:00:00Z`);
  const end = new Date(new Date(`${query.to}T00:00:00Z`).getTime() + DAY_MS);
  return { start, end };
}

export function exportFilename(query: AuditExportQuery): string {
  return `huddle-audit-${query.from}-to-${query.to}.csv`;
}

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** The cell as a spreadsheet shows it without running it: a leading `'` before a would-be formula. */
export function spreadsheetSafe(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function toCsvRecord(entry: AuditEntry): Record<CsvColumn, string> {
  const record: Record<CsvColumn, string> = {
    at: entry.at,
    until: entry.until ?? '',
    event: entry.event,
    board_id: entry.boardId,
    user_name: entry.user?.name ?? '',
    record_type: entry.recordType ?? '',
    record_id: entry.recordId ?? '',
    field: entry.field ?? '',
    before: JSON.stringify(entry.before),
    after: JSON.stringify(entry.after),
  };
  for (const column of AUDIT_CSV_COLUMNS) record[column] = spreadsheetSafe(record[column]);
  return record;
}

/**
 * The trail's entries begun in the range, oldest first, read a page at a time (keyset on `id`): a
 * burst of typing as one entry, with its keystrokes after the range too.
 */
async function* entriesIn(
  db: Kysely<Database>,
  range: { start: Date; end: Date },
): AsyncGenerator<AuditEntry> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('audit_events')
      .selectAll()
      .where('at', '>=', range.start)
      .where('at', '<', range.end)
      .where('splice', 'is', null)
      .orderBy('id')
      .limit(PAGE_SIZE);
    if (after !== null) query = query.where('id', '>', after);
    const rows = await query.execute();
    yield* await auditEntries(db, rows, 'oldest first');
    if (rows.length < PAGE_SIZE) return;
    after = String(rows[rows.length - 1]!.id);
  }
}

/**
 * The audit trail between two dates as a CSV stream: a header row of AUDIT_CSV_COLUMNS, then one row
 * per entry (a burst of typing is one) in the order they were begun, `before` and `after` as JSON. Rows are read in pages,
 * so a long range does not sit in memory. A database error part way ends the stream with `onError`.
 */
export function auditCsv(
  db: Kysely<Database>,
  query: AuditExportQuery,
  onError: (error: Error) => void,
): Readable {
  const csv = stringify({ header: true, columns: [...AUDIT_CSV_COLUMNS] });
  const records = Readable.from(
    (async function* () {
      for await (const entry of entriesIn(db, exportRange(query))) yield toCsvRecord(entry);
    })(),
  );
  return pipeline(records, csv, (error) => {
    if (error) onError(error);
  });
}
