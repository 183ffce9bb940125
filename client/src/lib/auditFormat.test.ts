import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '#shared/audit';
import { coalesceTyping, TYPING_PAUSE_MS } from './auditFormat.ts';

const grace = { id: 'u-grace', name: 'Grace Okafor' };
const tom = { id: 'u-tom', name: 'Dr Tom Reid' };
let n = 0;
const at = (seconds: number) => new Date(Date.UTC(2026, 10, 29, 9, 0, seconds)).toISOString();

function change(
  seconds: number,
  user: typeof grace,
  field: string,
  before: string,
  after: string,
): AuditEntry {
  n += 1;
  return {
    id: String(n),
    at: at(seconds),
    event: 'change',
    boardId: 'b',
    user,
    recordType: 'people',
    recordId: 'p1',
    field,
    before,
    after,
  };
}

describe('history of shared text', () => {
  it('shows one person’s burst of typing in a field as one change, newest first', () => {
    const entries = [
      change(3, grace, 'sbarSituation', 'Fell', 'Fell.'),
      change(2, grace, 'sbarSituation', 'Fel', 'Fell'),
      change(1, grace, 'sbarSituation', '', 'Fel'),
    ];
    expect(coalesceTyping(entries, 'people')).toEqual([{ ...entries[0], before: '' }]);
  });

  it('keeps apart other people’s typing, other fields, fields that are not typed together, and long pauses', () => {
    const pause = TYPING_PAUSE_MS / 1000 + 1;
    const entries = [
      change(pause + 10, grace, 'sbarSituation', 'Fell twice', 'Fell twice.'),
      change(9, tom, 'sbarSituation', 'Fell', 'Fell twice'),
      change(8, grace, 'sbarSituation', 'Fel', 'Fell'),
      change(7, grace, 'sbarBackground', '', 'Lives alone'),
      change(6, grace, 'name', 'Margaret Elis', 'Margaret Ellis'),
      change(5, grace, 'name', 'Margaret Eli', 'Margaret Elis'),
    ];
    expect(coalesceTyping(entries, 'people')).toHaveLength(6);
    expect(
      coalesceTyping([entries[0]!, change(9, grace, 'sbarSituation', 'Fell', 'Fell twice')], 'people'),
    ).toHaveLength(2);
  });
});
