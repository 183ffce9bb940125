import type { BoardAccess } from './auth.ts';

/**
 * `GET /healthz`: 200 when `ok`, 503 otherwise (shutting down, the database unreachable, or
 * storage degraded), with `reason` in words.
 */
export interface HealthResponse {
  ok: boolean;
  db: 'pglite' | 'postgres';
  /** Whether the database answers a trivial query (asked at most once a second). */
  database: 'ok' | 'unreachable';
  /** `degraded` once a board change has waited longer than `STORAGE_WARN_AFTER_MS` to be stored, or while the database refuses a board's changes. */
  storage: 'ok' | 'degraded';
  /** Board changes received and not stored yet. */
  pendingUpdates: number;
  /** How long the oldest of them has waited, in milliseconds (0 when none). */
  oldestPendingMs: number;
  /** Boards whose changes the database refuses (kept on the server and tried again). */
  refusedBoards: number;
  /** Why the server is not ok, in words; absent when it is. */
  reason?: string;
}

/** Every non-2xx JSON response from `/api`. */
export interface ApiError {
  error: string;
  /** Field-level problems with the request body, when there are any. */
  issues?: { path: string; message: string }[];
}

export const ORGANISATION_KINDS = [
  'nhs_trust',
  'gp_practice',
  'council_social_care',
  'voluntary',
  'other',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = {
  nhs_trust: 'NHS trust',
  gp_practice: 'GP practice',
  council_social_care: 'Council social care',
  voluntary: 'Voluntary organisation',
  other: 'Other',
};

/** `GET /api/organisations` item. */
export interface Organisation {
  id: string;
  name: string;
  kind: OrganisationKind;
}

/** `GET /api/boards` item (the boards the caller can open), `GET /api/boards/:id`, and `board:created`. */
export interface BoardSummary {
  id: string;
  name: string;
  createdAt: string;
  /** What the caller may do on it. */
  access: BoardAccess;
  /** The teams that own it. */
  teams: { id: string; name: string }[];
}

export const BOARD_NAME_MAX = 120;
