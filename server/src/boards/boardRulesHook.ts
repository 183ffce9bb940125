import { COLLECTIONS, quoted } from '#shared/board/records';
import { recordChangeProblem, type RecordAuthors } from '#shared/board/rules';
import type { Actor } from '#shared/board/record';
import type { AppliedChange, TouchedRecord } from '../sync/boardChange.ts';
import type { Refusal, RoomHook } from '../sync/roomContract.ts';

/** "The action “Home visit to review falls risk”", "A new person": the record a refusal is about. */
function describeRecord(record: TouchedRecord): string {
  const noun = COLLECTIONS[record.collection].noun;
  const fields = record.beforeFields ?? record.afterFields;
  const label = fields?.title ?? fields?.name ?? fields?.statement;
  if (!record.beforeFields)
    return `A new ${noun}${typeof label === 'string' && label.trim() ? ` ${quoted(label.trim())}` : ''}`;
  return typeof label === 'string' && label.trim() ? `The ${noun} ${quoted(label.trim())}` : `A ${noun}`;
}

/**
 * Who is behind each part of a record as the change left it: the users bound to the client ids of
 * the record and of each field's value. A field with no value now was taken away by this change's
 * sender (deletions name no author).
 */
function authorsOf(change: AppliedChange, record: TouchedRecord): RecordAuthors {
  const user = change.origin.source === 'storage' ? undefined : change.origin.user;
  const sender: Actor | null = user ? { id: user.id, name: user.name } : null;
  const clients = record.afterClients;
  return {
    creator: clients ? change.actorOf(clients.record) : sender,
    of: (field) => {
      const client = clients?.fields[field];
      return client === undefined ? sender : change.actorOf(client);
    },
  };
}

/**
 * A record new to the server whose only problems are fields still to come: a colleague's change to
 * them, which replaced what this browser hands back, reaches the server from her own browser. It is
 * kept as it is (shown as needing attention meanwhile) rather than undone, which would lose it.
 */
function awaitingOthers(record: TouchedRecord): boolean {
  const awaited = record.afterClients?.awaited ?? [];
  if (record.before || !record.after || record.after.ok || awaited.length === 0) return false;
  return record.after.problems.every((problem) => awaited.some((field) => problem.startsWith(`${field}:`)));
}

/**
 * The board's schema and rules from shared/board, enforced on every change a connection sends:
 * only the schema's collections exist, every record it touches stays valid (or, written wrongly
 * before, no worse), and the rules about who may do what hold for the connection's user.
 */
export const boardRulesHook: RoomHook = {
  name: 'board rules',
  check(change: AppliedChange): Refusal[] {
    const refusals: Refusal[] = [];
    const stray = change.strays[0];
    if (stray !== undefined) {
      refusals.push({
        message: `A board holds people, goals, actions and pathway stages only: ${quoted(stray)} is none of them, so it was not kept`,
        scope: { kind: 'strays' },
      });
    }
    for (const record of change.records) {
      if (awaitingOthers(record)) continue;
      const problem = recordChangeProblem(record, authorsOf(change, record), change.facts);
      if (problem) {
        refusals.push({
          message: `${describeRecord(record)}: ${problem}`,
          recordType: record.collection,
          recordId: record.id.slice(0, 128),
          scope: { kind: 'record', collection: record.collection, id: record.id },
        });
      }
    }
    return refusals;
  },
};
