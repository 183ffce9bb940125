import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../server/test/support/serverProcess.ts';

/*
 * The build keeps only the nhsuk-frontend rules whose classes the client's files name, read as words
 * (vite.config.ts). This reads the client as the browser tests' build left it (dist/client).
 */

const clientSources = path.join(repoRoot, 'client');
const builtAssets = path.join(repoRoot, 'dist', 'client', 'assets');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'public' ? [] : sourceFiles(full);
    return /\.(vue|ts|html)$/.test(entry.name) && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** An nhsuk class name followed by a template placeholder or a string concatenation. */
const BUILT_CLASS = /nhsuk-[\w-]*(\$\{|['"`]\s*\+)/;
/** Each selector of each rule of a minified stylesheet (those in at-rules too), as written. */
const selectorsOf = (css: string): string[] =>
  [...css.matchAll(/(?:^|[{};])([^{};@]+)\{/g)].flatMap((rule) => rule[1]!.split(',').map((s) => s.trim()));

describe('the stylesheet the client is built with', () => {
  const files = sourceFiles(clientSources);
  const sources = files.map((file) => readFileSync(file, 'utf8'));
  const named = new Set(sources.flatMap((source) => source.match(/nhsuk-[\w-]+/g) ?? []));
  const words = new Set(sources.flatMap((source) => source.match(/[\w-]+/g) ?? []));
  const require = createRequire(import.meta.url);
  const whole = readFileSync(require.resolve('nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css'), 'utf8');
  const built = readdirSync(builtAssets)
    .filter((name) => name.endsWith('.css'))
    .map((name) => readFileSync(path.join(builtAssets, name), 'utf8'))
    .join('\n');

  it('keeps every nhsuk-frontend rule whose classes the client all names, and far less than all of them', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(named.size).toBeGreaterThan(50);
    // As PurgeCSS reads it: a rule is needed when the client names each of its classes and each
    // attribute (with its value) it matches on, like aria-sort on a sortable table's header.
    const needed = selectorsOf(whole).filter((selector) => {
      const classes = selector.match(/(?<=\.)nhsuk-[\w-]+/g) ?? [];
      const attributes = [...selector.matchAll(/\[([\w-]+)(?:[~|^$*]?=["']?([^"'\]]+))?/g)].flatMap(
        ([, name, value]) => (value ? [name!, value] : [name!]),
      );
      return (
        classes.length > 0 &&
        classes.every((name) => named.has(name)) &&
        attributes.every((w) => words.has(w))
      );
    });
    expect(needed.length).toBeGreaterThan(200);
    const kept = new Set(selectorsOf(built));
    expect(needed.filter((selector) => !kept.has(selector))).toEqual([]);
    expect(built.length).toBeLessThan(whole.length / 2);
  });

  it('is named in whole words in the client, so none of its rules are left out', () => {
    const built = files.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (BUILT_CLASS.test(line) ? [`${path.relative(repoRoot, file)}:${i + 1}`] : [])),
    );
    expect(built).toEqual([]);
    expect(BUILT_CLASS.test("const tag = 'nhsuk-tag--' + colour;")).toBe(true);
    expect(BUILT_CLASS.test('class="nhsuk-tag--${colour}"')).toBe(true);
    expect(BUILT_CLASS.test("const tag = 'nhsuk-tag--red';")).toBe(false);
  });
});
