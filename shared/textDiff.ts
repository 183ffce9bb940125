/** One piece of a text diff: words kept, taken out or put in. */
export interface DiffPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Word-by-word diffs of longer texts than this (words before times words after) show whole texts. */
const MAX_CELLS = 250_000;

/** Words and the spaces between them, so the parts join back into the text. */
const tokens = (text: string): string[] => text.match(/\S+|\s+/g) ?? [];

function push(parts: DiffPart[], kind: DiffPart['kind'], text: string): void {
  const last = parts[parts.length - 1];
  if (last && last.kind === kind) last.text += text;
  else if (text) parts.push({ kind, text });
}

/**
 * What changed from one text to another, word by word (the longest common run of words kept, the
 * rest taken out or put in), as a reader compares two notes. Very long texts, beyond `MAX_CELLS`,
 * come back as the whole of one taken out and the whole of the other put in.
 */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = tokens(before);
  const b = tokens(after);
  // The common start and end need no table.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end])
    end += 1;
  const parts: DiffPart[] = [];
  push(parts, 'same', a.slice(0, start).join(''));
  const midA = a.slice(start, a.length - end);
  const midB = b.slice(start, b.length - end);
  if (midA.length * midB.length > MAX_CELLS) {
    push(parts, 'removed', midA.join(''));
    push(parts, 'added', midB.join(''));
  } else {
    // lengths[i][j]: the longest common run of midA from i and midB from j.
    const lengths = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
    for (let i = midA.length - 1; i >= 0; i -= 1)
      for (let j = midB.length - 1; j >= 0; j -= 1)
        lengths[i]![j] =
          midA[i] === midB[j]
            ? lengths[i + 1]![j + 1]! + 1
            : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    let i = 0;
    let j = 0;
    while (i < midA.length && j < midB.length) {
      if (midA[i] === midB[j]) {
        push(parts, 'same', midA[i]!);
        i += 1;
        j += 1;
      } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) push(parts, 'removed', midA[i++]!);
      else push(parts, 'added', midB[j++]!);
    }
    push(parts, 'removed', midA.slice(i).join(''));
    push(parts, 'added', midB.slice(j).join(''));
  }
  push(parts, 'same', a.slice(a.length - end).join(''));
  return parts;
}
