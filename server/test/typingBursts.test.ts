import { describe, expect, it } from 'vitest';
import { applySplice, spliceBetween } from '#shared/textSplice';
import { BURST_PAUSE_MS, TypingBursts } from '../src/audit/typingBursts.ts';

const field = { boardId: 'b', recordType: 'people', recordId: 'p1', field: 'sbarSituation' };
const at = (seconds: number) => new Date(Date.UTC(2026, 11, 1, 9, 0, seconds));

describe('typing bursts', () => {
  it('keeps what one keystroke did as a splice that turns the text before into the text after', () => {
    const cases: [string, string][] = [
      ['', 'F'],
      ['Fell', 'Fell.'],
      ['Fell at home', 'Fell twice at home'],
      ['Fell twice at home', 'Fell at home'],
      ['abcabc', 'abc'],
      ['aaa', 'aaaa'],
      ['Mood 😀', 'Mood 😁'],
      ['😀 low', '😁 low'],
      ['Fell at home', ''],
    ];
    for (const [before, after] of cases) {
      const splice = spliceBetween(before, after);
      expect([before, applySplice(before, splice)]).toEqual([before, after]);
      // Never half an emoji: each half alone is not text Postgres can keep.
      expect(splice.put.isWellFormed()).toBe(true);
    }
    expect(spliceBetween('Fell at home', 'Fell twice at home')).toEqual({
      at: 5,
      cut: 0,
      put: 'twice ',
      length: 18,
    });
  });

  it('refuses a splice that does not fit the text (a keystroke of the burst is missing)', () => {
    expect(applySplice('Fell', { at: 4, cut: 0, put: '.', length: 5 })).toBe('Fell.');
    expect(applySplice('Fel', { at: 4, cut: 0, put: '.', length: 5 })).toBeNull();
    expect(applySplice('Fell!', { at: 4, cut: 0, put: '.', length: 5 })).toBeNull();
    expect(applySplice('Fell', { at: 2, cut: 9, put: '', length: 0 })).toBeNull();
  });

  it('continues one person’s burst; someone else, a pause, or text changed meanwhile starts a new one', () => {
    const bursts = new TypingBursts();
    const first = bursts.place(field, 'grace', at(0), '', 'F');
    expect(first.splice).toBeNull();
    const second = bursts.place(field, 'grace', at(1), 'F', 'Fe');
    expect(second).toEqual({ burst: first.burst, splice: { at: 1, cut: 0, put: 'e', length: 2 } });
    // Another field, another board: bursts of their own.
    expect(bursts.place({ ...field, field: 'sbarBackground' }, 'grace', at(2), '', 'L').burst).not.toBe(
      first.burst,
    );
    expect(bursts.place({ ...field, boardId: 'b2' }, 'grace', at(2), 'Fe', 'Fel').splice).toBeNull();

    const tom = bursts.place(field, 'tom', at(3), 'Fe', 'Fel');
    expect(tom.splice).toBeNull();
    expect(tom.burst).not.toBe(first.burst);
    // Grace again, after Tom: a new burst from the full text.
    const again = bursts.place(field, 'grace', at(4), 'Fel', 'Fell');
    expect(again.splice).toBeNull();
    expect(bursts.place(field, 'grace', at(5), 'Fell', 'Fell.').burst).toBe(again.burst);
    // The text is not what her burst left (a change the trail did not see): a new burst.
    expect(bursts.place(field, 'grace', at(6), 'Fell twice.', 'Fell twice. ').splice).toBeNull();
    // A pause.
    const pause = BURST_PAUSE_MS / 1000 + 7;
    expect(bursts.place(field, 'grace', at(pause), 'Fell twice. ', 'Fell twice. A').splice).toBeNull();
    // The server's own change to the field ends the burst.
    bursts.end(field);
    expect(bursts.place(field, 'grace', at(pause + 1), 'Fell twice. A', 'Fell twice. AB').splice).toBeNull();
  });

  it('holds a bounded number of bursts open, however many fields are typed into at once', () => {
    const bursts = new TypingBursts();
    for (let i = 0; i < 5_000; i += 1)
      bursts.place({ ...field, recordId: `p${i}` }, 'grace', at(i % 60), '', 'x');
    expect(bursts.size).toBeLessThanOrEqual(1_000);
  });
});
