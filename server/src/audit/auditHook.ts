import type { AuditValue } from '#shared/audit';
import { TEXT_FIELDS, isCollectionName } from '#shared/board/records';
import type { AppliedChange, AuditedChange, RecordFields } from '../sync/boardChange.ts';
import type { RoomHook } from '../sync/roomContract.ts';
import { jsonValue } from '../sync/documentValue.ts';
import { TypingBursts } from './typingBursts.ts';

/** Longest value kept in the trail for one field; a longer one is cut, with a note of its length. */
const MAX_VALUE_CHARS = 20_000;

/** The value as the trail keeps it: a longer one is cut, with a note of its length. */
function capped(value: AuditValue, json: string): AuditValue {
  if (json.length <= MAX_VALUE_CHARS) return value;
  return `${json.slice(0, MAX_VALUE_CHARS)}... (${json.length} characters in all)`;
}

function isTextField(recordType: string, field: string): boolean {
  return isCollectionName(recordType) && TEXT_FIELDS[recordType].includes(field);
}

/**
 * The field-level audit rows of one kept change: who, when, which record and field, the value
 * before and after. With `bursts`, a person's typing in a shared text field is kept as bursts (see
 * typingBursts.ts): a row that continues one holds only its splice of the text.
 */
export function auditRows(change: AppliedChange, bursts?: TypingBursts): AuditedChange[] {
  const origin = change.origin;
  const user = origin.source === 'storage' ? null : (origin.user ?? null);
  const rows: AuditedChange[] = [];
  for (const record of change.records) {
    const before: RecordFields = record.beforeFields ?? {};
    const after: RecordFields = record.afterFields ?? {};
    // Every field the record had or has: its fields before, then those it gained.
    const fields = Object.keys(before);
    for (const field of Object.keys(after)) if (!Object.hasOwn(before, field)) fields.push(field);
    for (const field of fields) {
      // Most of a changed record's fields are as they were: the same string, number or flag.
      const value = after[field];
      if (before[field] === value && (typeof value !== 'object' || value === null)) continue;
      const was = jsonValue(before[field]);
      const now = jsonValue(after[field]);
      const wasJson = JSON.stringify(was);
      const nowJson = JSON.stringify(now);
      if (wasJson === nowJson) continue;
      const row: AuditedChange = {
        at: change.at,
        user: user ? { id: user.id, name: user.name } : null,
        recordType: record.collection,
        recordId: record.id,
        field: field === '' ? null : field,
        before: capped(was, wasJson),
        after: capped(now, nowJson),
      };
      if (bursts && isTextField(record.collection, field)) {
        const where = { boardId: change.boardId, recordType: record.collection, recordId: record.id, field };
        const typed =
          user !== null &&
          typeof was === 'string' &&
          typeof now === 'string' &&
          wasJson.length <= MAX_VALUE_CHARS &&
          nowJson.length <= MAX_VALUE_CHARS;
        if (typed) {
          const place = bursts.place(where, user.id, change.at, was, now);
          row.burst = place.burst;
          if (place.splice) {
            row.splice = place.splice;
            row.before = null;
            row.after = null;
          }
        } else bursts.end(where);
      }
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Every kept change to a board enters the audit trail, stored in the same transaction as its update;
 * typing is kept as bursts, followed across changes by this hook.
 */
export function auditHook(bursts: TypingBursts = new TypingBursts()): RoomHook {
  return {
    name: 'audit trail',
    describe: (change) => ({ audit: auditRows(change, bursts) }),
  };
}
