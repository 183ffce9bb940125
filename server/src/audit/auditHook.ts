import type { AuditValue } from '#shared/audit';
import type { AppliedChange, AuditedChange, RecordFields } from '../sync/boardChange.ts';
import type { RoomHook } from '../sync/roomContract.ts';
import { jsonValue } from '../sync/documentValue.ts';

/** Longest value kept in the trail for one field; a longer one is cut, with a note of its length. */
const MAX_VALUE_CHARS = 20_000;

/** The value as the trail keeps it: a longer one is cut, with a note of its length. */
function capped(value: AuditValue, json: string): AuditValue {
  if (json.length <= MAX_VALUE_CHARS) return value;
  return `${json.slice(0, MAX_VALUE_CHARS)}... (${json.length} characters in all)`;
}

/**
 * The field-level audit rows of one kept change: who, when, which record and field, the value
 * before and after (shared text as whole strings).
 */
export function auditRows(change: AppliedChange): AuditedChange[] {
  const origin = change.origin;
  const user = origin.source === 'storage' ? null : (origin.user ?? null);
  const rows: AuditedChange[] = [];
  for (const record of change.records) {
    const before: RecordFields = record.beforeFields ?? {};
    const after: RecordFields = record.afterFields ?? {};
    for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
      const was = jsonValue(before[field]);
      const now = jsonValue(after[field]);
      const wasJson = JSON.stringify(was);
      const nowJson = JSON.stringify(now);
      if (wasJson === nowJson) continue;
      rows.push({
        at: change.at,
        user: user ? { id: user.id, name: user.name } : null,
        recordType: record.collection,
        recordId: record.id,
        field: field === '' ? null : field,
        before: capped(was, wasJson),
        after: capped(now, nowJson),
      });
    }
  }
  return rows;
}

/** Every kept change to a board enters the audit trail, stored in the same transaction as its update. */
export const auditHook: RoomHook = {
  name: 'audit trail',
  describe: (change) => ({ audit: auditRows(change) }),
};
