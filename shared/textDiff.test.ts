import { describe, expect, it } from 'vitest';
import { wordDiff } from './textDiff.ts';

describe('word diff of two notes', () => {
  it('keeps what stayed, and shows the words taken out and put in', () => {
    expect(wordDiff('Fell at home on Sunday.', 'Fell twice at home on Sunday. No injuries.')).toEqual([
      { kind: 'same', text: 'Fell ' },
      { kind: 'added', text: 'twice ' },
      { kind: 'same', text: 'at home on Sunday.' },
      { kind: 'added', text: ' No injuries.' },
    ]);
    expect(wordDiff('', 'New note')).toEqual([{ kind: 'added', text: 'New note' }]);
    expect(wordDiff('Old note', '')).toEqual([{ kind: 'removed', text: 'Old note' }]);
    expect(wordDiff('Same', 'Same')).toEqual([{ kind: 'same', text: 'Same' }]);
  });

  it('joins back into both texts, whatever they are', () => {
    const texts = ['', 'a b c', 'a  b\nc ', 'c b a', 'x a b c y', 'Mood 😀 low', 'Mood 😁 low today'];
    for (const before of texts)
      for (const after of texts) {
        const parts = wordDiff(before, after);
        expect(
          parts
            .filter((p) => p.kind !== 'added')
            .map((p) => p.text)
            .join(''),
        ).toBe(before);
        expect(
          parts
            .filter((p) => p.kind !== 'removed')
            .map((p) => p.text)
            .join(''),
        ).toBe(after);
      }
  });

  it('shows very long texts whole rather than taking long over them', () => {
    const before = Array.from({ length: 1_000 }, (_, i) => `w${i}`).join(' ');
    const after = Array.from({ length: 1_000 }, (_, i) => `v${i}`).join(' ');
    expect(wordDiff(before, after).map((p) => p.kind)).toEqual(['removed', 'added']);
  });
});
