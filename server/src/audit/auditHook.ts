import type { AuditValue } from '#shared/audit';
import type { AppliedChange, AuditedChange, RecordFields } from '../sync/boardChange.ts';
import type { RoomHook } from '../sync/roomContract.ts';

/** Longest value kept in the trail for one field; a longer one is cut, with a note of its length. */
const MAX_VALUE_CHARS = 20_000;
/** Deeper values (only an old or hostile client writes them) are noted, not copied. */
const MAX_DEPTH = 16;

/** A document value as JSON can hold it: never throws (BigInt, binary, deep nesting). */
function auditValue(value: unknown, depth = 0): AuditValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Uint8Array) return `(binary, ${value.byteLength} bytes)`;
  if (depth >= MAX_DEPTH) return '(nested too deeply to keep)';
  if (Array.isArray(value)) return value.map((item) => auditValue(item, depth + 1));
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, auditValue(item, depth + 1)]));
  }
  return String(value);
}

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
      const was = auditValue(before[field]);
      const now = auditValue(after[field]);
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
export const auditHook: RoomHook = { name: 'audit trail', describe: auditRows };
