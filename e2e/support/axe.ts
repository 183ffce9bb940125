import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { repoRoot } from './huddleServer.ts';

/** The WCAG 2.2 A and AA rules (and earlier versions') that axe checks. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * What axe finds on the page (or inside `scope`, a CSS selector), as "rule (impact): help (where)"
 * lines: every violation, whatever its impact, so a test can ask for none at all.
 */
export async function accessibilityProblems(page: Page, scope?: string): Promise<string[]> {
  let builder = new AxeBuilder({ page }).withTags(WCAG_TAGS);
  if (scope) builder = builder.include(scope);
  const result = await builder.analyze();
  return result.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? 'unknown'}): ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Serious and critical problems only: the bar every view must meet. */
export async function seriousAccessibilityProblems(page: Page, scope?: string): Promise<string[]> {
  return (await accessibilityProblems(page, scope)).filter((line) => /\((serious|critical)\)/.test(line));
}

/** A full-page screenshot in dist/e2e, to look at after a run. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(path.join(repoRoot, 'dist/e2e'), { recursive: true });
  await page.screenshot({ path: path.join(repoRoot, 'dist/e2e', name), fullPage: true });
}
