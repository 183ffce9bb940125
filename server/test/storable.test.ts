import { describe, expect, it } from 'vitest';
import { storable } from '../src/db/storable.ts';

describe('storable', () => {
  it('keeps plain JSON of well-formed text as it is', () => {
    const record = {
      title: 'Ring the GP',
      due: '2026-12-24',
      order: 3,
      done: false,
      tags: ['a', 'b'],
      goal: null,
    };
    expect(storable(record)).toBe(record);
    expect(storable('Walk to the shop')).toBe('Walk to the shop');
  });

  it('makes what Postgres refuses storable, wherever it is', () => {
    expect(storable('Null \u0000 and half \ud83d a symbol')).toBe('Null \uFFFD and half \uFFFD a symbol');
    expect(storable({ title: 'ok', notes: ['fine', 'bad\u0000'] })).toEqual({
      title: 'ok',
      notes: ['fine', 'bad\uFFFD'],
    });
    expect(storable({ ['key\u0000']: 1 })).toEqual({ ['key\uFFFD']: 1 });
    expect(storable({ a: Number.NaN, b: Infinity, c: 10n, d: undefined })).toEqual({
      a: null,
      b: null,
      c: '10',
      d: null,
    });
    // An array with a hole (only a hostile client's document has one) keeps it: JSON writes null there.
    const holed: unknown[] = [1];
    holed[2] = 3;
    expect(JSON.stringify(storable(holed))).toBe('[1,null,3]');
    expect(storable(new Date(0))).toEqual({});
    let deep: unknown = 'bottom';
    for (let i = 0; i < 40; i++) deep = { inner: deep };
    expect(JSON.stringify(storable(deep))).toContain('(nested too deeply to keep in the database)');
  });
});
