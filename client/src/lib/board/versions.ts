import type { BoardVersionSummary } from '#shared/versions';

const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** What people call a version: its label, or for an automatic one, the day it was saved. */
export function versionName(version: Pick<BoardVersionSummary, 'label' | 'savedAt'>): string {
  if (version.label !== null) return version.label;
  const at = new Date(version.savedAt);
  return Number.isNaN(at.getTime()) ? 'Automatic version' : `Automatic version, ${DAY.format(at)}`;
}

/** "Saved by Grace Okafor on 1 Dec 2026 at 09:14", or "Saved automatically on ...". */
export function savedLine(version: Pick<BoardVersionSummary, 'savedBy' | 'savedAt'>): string {
  const at = new Date(version.savedAt);
  const when = Number.isNaN(at.getTime()) ? '' : ` on ${DAY.format(at)} at ${TIME.format(at)}`;
  return version.savedBy ? `Saved by ${version.savedBy.name}${when}` : `Saved automatically${when}`;
}

/** Whose changes a version holds since the one before it, in words. */
export function authorsLine(authors: readonly string[]): string {
  if (authors.length === 0) return 'No changes since the version before';
  if (authors.length === 1) return `Changes by ${authors[0]}`;
  return `Changes by ${authors.slice(0, -1).join(', ')} and ${authors.at(-1)}`;
}
