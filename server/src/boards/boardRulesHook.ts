import { COLLECTIONS, quoted } from '../../../shared/board/records.ts';
import { recordChangeProblem } from '../../../shared/board/rules.ts';
import type { Actor } from '../../../shared/board/record.ts';
import type { SyncRefusal } from '../../../shared/syncProtocol.ts';
import type { AppliedChange, TouchedRecord } from '../sync/boardChange.ts';
import type { RoomHook } from '../sync/Room.ts';

/** "The action “Home visit to review falls risk”", "A new person": the record a refusal is about. */
function describeRecord(record: TouchedRecord): string {
  const noun = COLLECTIONS[record.collection].noun;
  const fields = record.beforeFields ?? record.afterFields;
  const label = fields?.title ?? fields?.name ?? fields?.statement;
  if (!record.beforeFields)
    return `A new ${noun}${typeof label === 'string' && label.trim() ? ` ${quoted(label.trim())}` : ''}`;
  return typeof label === 'string' && label.trim() ? `The ${noun} ${quoted(label.trim())}` : `A ${noun}`;
}

function actorOf(change: AppliedChange): Actor | null {
  const user = change.origin.source === 'storage' ? undefined : change.origin.user;
  return user ? { id: user.id, name: user.name } : null;
}

/**
 * The board's schema and rules from shared/board, enforced on every change a connection sends:
 * only the schema's collections exist, every record it touches stays valid (or, written wrongly
 * before, no worse), and the rules about who may do what hold for the connection's user.
 */
export const boardRulesHook: RoomHook = {
  name: 'board rules',
  check(change: AppliedChange): SyncRefusal | null {
    const stray = change.strays[0];
    if (stray !== undefined) {
      return {
        message: `A board holds people, goals, actions and pathway stages only: ${quoted(stray)} is none of them, so the change was not kept`,
      };
    }
    const by = actorOf(change);
    for (const record of change.records) {
      const problem = recordChangeProblem(record, by, change.facts);
      if (problem) {
        return {
          message: `${describeRecord(record)}: ${problem}`,
          recordType: record.collection,
          recordId: record.id.slice(0, 128),
        };
      }
    }
    return null;
  },
};
