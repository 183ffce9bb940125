import { z } from 'zod';
import type { PersonChanges } from './board/changes.ts';

/*
 * Versions of a board: whole copies of its document as it was, never changed once saved. Someone
 * saves one by hand with a label ("Handover 1 Dec"); the server saves one automatically each day
 * for a board that changed, and before it folds a board's history.
 */

export const VERSION_KINDS = ['labelled', 'automatic'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

export const VERSION_LABEL_MAX = 120;

/** `GET /api/boards/:id/versions` item (newest first), and what saving one answers. */
export interface BoardVersionSummary {
  id: string;
  kind: VersionKind;
  /** The name someone gave it; null for an automatic version. */
  label: string | null;
  savedAt: string;
  /** Who saved it, by name; null for the server's own. */
  savedBy: { name: string } | null;
  /** Whose changes it holds since the version before it, by name. */
  authors: string[];
}

// eslint-disable-next-line no-control-regex -- control characters are what is refused
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** `POST /api/boards/:id/versions` (anyone who can change the board). */
export const saveVersionRequest = z.object({
  label: z
    .string({ error: 'Give the version a name, like “Handover 1 Dec”' })
    .trim()
    .min(1, 'Give the version a name, like “Handover 1 Dec”')
    .max(VERSION_LABEL_MAX, `Keep the name to ${VERSION_LABEL_MAX} characters or fewer`)
    .refine((label) => !CONTROL.test(label), 'Use letters, numbers and punctuation only'),
});
export type SaveVersionRequest = z.input<typeof saveVersionRequest>;

/** `GET /api/boards/:id/versions/:versionId/changes?to=<versionId>|now`: what changed since a version. */
export interface VersionChanges {
  from: BoardVersionSummary;
  /** The later version; null for the board as it is now. */
  to: BoardVersionSummary | null;
  /** When the later state is from (the later version's time, or now). */
  toAt: string;
  people: PersonChanges[];
}

export const versionChangesQuery = z.object({
  to: z
    .string()
    .regex(/^(now|[1-9][0-9]{0,17})$/, 'Say which version to compare with, or “now”')
    .default('now'),
});

/**
 * `POST /api/boards/:id/versions/:versionId/restored` (anyone who can change the board): notes in the
 * audit trail that someone restored a record, or the whole board, from the version.
 */
export const restoredRequest = z.discriminatedUnion('scope', [
  z.object({
    scope: z.literal('record'),
    recordType: z.enum(['people', 'goals', 'actions', 'pathwayStages'], {
      error: 'Say which kind of record',
    }),
    recordId: z.string().min(1).max(128),
  }),
  z.object({ scope: z.literal('board') }),
]);
export type RestoredRequest = z.input<typeof restoredRequest>;
