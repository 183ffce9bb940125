import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV exports', () => {
  it('keeps what a spreadsheet would run as a formula as text', () => {
    for (const formula of [
      '=HYPERLINK("http://evil.example","Open")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\tcmd',
      '\rcmd',
    ])
      expect(csvCell(formula).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('Falls review')).toBe('Falls review');
    expect(csvCell(-3)).toBe('-3');
  });

  it('quotes cells with commas, quotes and line breaks, and ends lines as spreadsheets expect', () => {
    expect(csvCell('Ring the GP, then the pharmacy')).toBe('"Ring the GP, then the pharmacy"');
    expect(csvCell('She said "soon"')).toBe('"She said ""soon"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(toCsv(['Action', 'Due'], [['=cmd', '2026-12-05']])).toBe(
      "\uFEFFAction,Due\r\n'=cmd,2026-12-05\r\n",
    );
  });
});
