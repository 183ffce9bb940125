import type { Kysely, Selectable } from 'kysely';
import type { AuditEntry } from '#shared/audit';
import type { AuditEventsTable, Database, NewAuditEvent } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';

export const HISTORY_LIMIT = 500;

export function toAuditEntry(row: Selectable<AuditEventsTable>): AuditEntry {
  return {
    id: String(row.id),
    at: new Date(row.at).toISOString(),
    event: row.event,
    boardId: row.board_id,
    user: row.user_id ? { id: row.user_id, name: row.user_name ?? '' } : null,
    recordType: row.record_type,
    recordId: row.record_id,
    field: row.field,
    before: row.before ?? null,
    after: row.after ?? null,
  };
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

  /** One record's trail, newest first. */
  async history(boardId: string, recordType: string, recordId: string): Promise<AuditEntry[]> {
    const rows = await this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('board_id', '=', boardId)
      .where('record_type', '=', recordType)
      .where('record_id', '=', recordId)
      .orderBy('id', 'desc')
      .limit(HISTORY_LIMIT)
      .execute();
    return rows.map(toAuditEntry);
  }
}
