import { z } from 'zod';

/**
 * The audit trail: one append-only row per field the server changed on a board, and one per board
 * opened. Rows are derived on the server from the applied Yjs transaction; nothing edits or deletes them.
 */

/**
 * What happened. `change` rows name a record and field; `open` rows only a board and a user;
 * `restore` rows a record (or none, for the whole board) put back as a version had it, the version
 * in `after` ({ versionId, version }), beside the `change` rows of what it changed.
 */
export const AUDIT_EVENTS = ['change', 'open', 'restore'] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** A JSON value as it was in the board document; `null` when the field or record did not exist. */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };

/**
 * One entry as the History panel and the export show it: a change to one field, or one person's
 * burst of typing in a text field, from the text before it to the text after.
 */
export interface AuditEntry {
  id: string;
  /** When it was made; for a burst of typing, its first keystroke. */
  at: string;
  /** A burst of typing's last keystroke; null for a change made at once. */
  until: string | null;
  event: AuditEvent;
  boardId: string;
  /** Who, by name as it was then; `null` for changes the server made itself (seeding, a pathway template). */
  user: { name: string } | null;
  /** The collection in the board document (`actions`, `people`, ...). */
  recordType: string | null;
  recordId: string | null;
  field: string | null;
  before: AuditValue;
  after: AuditValue;
}

/** `GET /api/boards/:id/history?recordType=actions&recordId=...`: newest first. */
export interface RecordHistoryQuery {
  recordType: string;
  recordId: string;
}

/** The columns of the CSV export, in order. */
export const AUDIT_CSV_COLUMNS = [
  'at',
  'until',
  'event',
  'board_id',
  'user_name',
  'record_type',
  'record_id',
  'field',
  'before',
  'after',
] as const;

/** `GET /api/admin/audit.csv?from=YYYY-MM-DD&to=YYYY-MM-DD` (admin): both dates inclusive, in UTC. */
export const auditExportQuery = z
  .object({
    from: z.iso.date({ error: 'Enter the first day as a date, like 2026-11-01' }),
    to: z.iso.date({ error: 'Enter the last day as a date, like 2026-11-30' }),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'The last day must be on or after the first day' });
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

/**
 * `GET /api/boards/:id/text-authors`: who last changed each text field of the board's people and
 * goals (what matters, SBAR, goal notes), and when (a burst of typing: its last keystroke).
 */
export interface TextAuthor {
  recordType: 'people' | 'goals';
  recordId: string;
  field: string;
  /** By name; null for a change Huddle made itself. */
  by: string | null;
  at: string;
}
