/**
 * A plain-text table: the first column left-aligned, the others right-aligned unless `align` says
 * otherwise, a rule under the header, two spaces between columns.
 */
export function formatTable(header: string[], rows: string[][], align: ('left' | 'right')[] = []): string {
  const widths = header.map((_, col) => Math.max(...[header, ...rows].map((row) => (row[col] ?? '').length)));
  const left = (col: number): boolean => (align[col] ?? (col === 0 ? 'left' : 'right')) === 'left';
  const line = (row: string[]): string =>
    row
      .map((cell, col) => (left(col) ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
