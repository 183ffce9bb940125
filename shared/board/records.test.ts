import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { BoardDocument } from './boardDoc.ts';
import { stagesFromTemplate } from './pathway.ts';
import type { RecordRead } from './record.ts';
import { COLLECTIONS, readBoardRecord, readRecordChange, type CollectionName } from './records.ts';
import { aPerson, anActionFor, priya, tom } from './testing.ts';

/** Values a field may be given: valid for some fields, invalid for others, padded, missing. */
const VALUES: unknown[] = [
  null,
  undefined,
  '',
  '  Walk to the shop again  ',
  'Plain text',
  'x'.repeat(5_000),
  0,
  7,
  -1,
  1.5,
  true,
  false,
  '2026-12-24',
  '2026-02-30',
  '2026-12-06T10:00:00.000Z',
  'not a date',
  'accepted',
  'done',
  'in_progress',
  'achieved',
  'actions',
  'goals',
  'user-tom',
  ['user-tom'],
  [],
  { nested: 1 },
];

/** A small deterministic sequence, so a failure can be run again. */
function randomFrom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function boardWithEveryKind(): { doc: Y.Doc; ids: Partial<Record<CollectionName, string>> } {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc, { source: 'browser' });
  const [stage] = board.addPathwayStages(stagesFromTemplate('frailty'), { by: priya });
  const person = board.addPerson(aPerson, { by: priya });
  const goal = board.addGoal({ personId: person.id, statement: 'Walk to the shop again' }, { by: priya });
  const action = board.addAction(anActionFor(person.id), { by: priya });
  const comment = board.addComment(
    { subjectType: 'actions', subjectId: action.id, body: 'Asked the OT', mentions: [] },
    { by: tom },
  );
  return {
    doc,
    ids: {
      people: person.id,
      goals: goal.id,
      actions: action.id,
      comments: comment.id,
      pathwayStages: stage!.id,
    },
  };
}

/** Each record of a board under test: its map, the fields the tests change (not shared text), its first read and valid value. */
function recordsOf(doc: Y.Doc, ids: Partial<Record<CollectionName, string>>) {
  return (Object.entries(ids) as [CollectionName, string][]).map(([collection, id]) => {
    const record = doc.getMap(collection).get(id) as Y.Map<unknown>;
    const fields = [...COLLECTIONS[collection].fields].filter(
      (field) => !COLLECTIONS[collection].textFields.includes(field),
    );
    const read = readBoardRecord(collection, id, record) as RecordRead<unknown>;
    expect(read.ok, collection).toBe(true);
    const valid = { ...(read.ok ? (read.value as Record<string, unknown>) : {}) };
    return { collection, id, record, fields, read, valid };
  });
}

/**
 * One or two of a record's fields changed in one transaction: removed, set back to their valid value,
 * padded, or set to any of `VALUES` (or, with `sharedText`, to shared text); gives their names.
 */
function changeSome(
  doc: Y.Doc,
  { record, fields, valid }: ReturnType<typeof recordsOf>[number],
  random: () => number,
  sharedText = false,
): Set<string> {
  const changed = new Set<string>();
  doc.transact(() => {
    for (let n = 1 + Math.floor(random() * 2); n > 0; n--) {
      const field = fields[Math.floor(random() * fields.length)]!;
      const choice = random();
      // Now and then a field goes back to a valid value, so later rounds start from valid reads.
      const was = valid[field] ?? null;
      changed.add(field);
      if (choice < 0.1) record.delete(field);
      else if (choice < 0.55) record.set(field, was);
      else if (choice < 0.7) record.set(field, typeof was === 'string' ? ` ${was}  ` : was);
      else if (sharedText && choice < 0.75)
        record.set(field, new Y.Text('shared text where a value belongs'));
      else record.set(field, VALUES[Math.floor(random() * VALUES.length)]);
    }
  });
  return changed;
}

describe('reading a record again after some fields changed', () => {
  it('gives what validating it whole gives, whatever the fields are changed to', () => {
    const { doc, ids } = boardWithEveryKind();
    const random = randomFrom(2026);
    let changedOnly = 0;
    for (const under of recordsOf(doc, ids)) {
      const { collection, id, record } = under;
      let known = under.read;
      for (let round = 0; round < 1_000; round++) {
        changeSome(doc, under, random);
        const whole = readBoardRecord(collection, id, record);
        const again = readBoardRecord(collection, id, record, undefined, known);
        expect(again, `${collection} round ${round}`).toStrictEqual(whole);
        expect(JSON.stringify(again)).toBe(JSON.stringify(whole));
        if (known.ok && again.ok && again !== known) changedOnly += 1;
        if (whole.ok) known = again;
      }
    }
    // The comparison means something only if many reads were made from the fields that changed.
    expect(changedOnly).toBeGreaterThan(300);
  });

  it('reads only the fields a change set, when the record was valid before it, as validating it whole does', () => {
    const { doc, ids } = boardWithEveryKind();
    const random = randomFrom(1948);
    let fieldsOnly = 0;
    let refused = 0;
    for (const under of recordsOf(doc, ids)) {
      const { collection, id, record, fields, valid } = under;
      let before = under.read;
      for (let round = 0; round < 1_000; round++) {
        // Each change starts from a valid record, as one the server accepted (it reads an invalid one whole).
        if (!before.ok) {
          doc.transact(() => {
            for (const field of fields) {
              if (Object.hasOwn(valid, field)) record.set(field, valid[field]);
              else record.delete(field);
            }
          });
          before = readBoardRecord(collection, id, record);
          expect(before.ok, collection).toBe(true);
        }
        const changed = changeSome(doc, under, random, true);
        const whole = readBoardRecord(collection, id, record);
        if (before.ok) {
          const fast = readRecordChange(collection, id, record, record.toJSON(), before, changed);
          if (fast) {
            expect(fast, `${collection} round ${round}`).toStrictEqual(whole);
            expect(JSON.stringify(fast)).toBe(JSON.stringify(whole));
            fieldsOnly += 1;
          } else refused += 1;
        }
        before = whole;
      }
    }
    // Both ways are taken often: the comparison means something, and what it cannot tell is read whole.
    expect(fieldsOnly).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(300);
  });
});
