import { z } from 'zod';

/** `GET /healthz` */
export interface HealthResponse {
  ok: boolean;
  db: 'pglite' | 'postgres';
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

/** `GET /api/boards` item, `GET /api/boards/:id`, and the `board:created` event payload. */
export interface BoardSummary {
  id: string;
  name: string;
  createdAt: string;
}

export const BOARD_NAME_MAX = 120;

/** `POST /api/boards` body. */
export const createBoardRequest = z.object({
  name: z
    .string({ error: 'Give the board a name' })
    .trim()
    .min(1, 'Give the board a name')
    .max(BOARD_NAME_MAX, `Keep the board name to ${BOARD_NAME_MAX} characters or fewer`),
});
export type CreateBoardRequest = z.infer<typeof createBoardRequest>;
