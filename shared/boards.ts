import { z } from 'zod';
import type { BoardAccess, TeamRole } from './access.ts';
import { id } from './fields.ts';
import { PATHWAY_TEMPLATE_IDS } from './board/pathway.ts';
import type { DirectoryUser } from './users.ts';

/*
 * Boards as lists and admin pages see them (the board's content is the document: shared/board/).
 */

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

/** `GET /api/boards/:id/members`: who can work on a board (members of its owning teams), by name. */
export type BoardMember = DirectoryUser & { role: TeamRole };

/** `POST /api/boards` (admin, or facilitator of every team named). */
export const createBoardRequest = z.object({
  name: z
    .string({ error: 'Give the board a name' })
    .trim()
    .min(1, 'Give the board a name')
    .max(BOARD_NAME_MAX, `Keep the board name to ${BOARD_NAME_MAX} characters or fewer`),
  pathwayTemplate: z.enum(PATHWAY_TEMPLATE_IDS, { error: 'Choose a pathway template' }).default('frailty'),
  teamIds: z.array(id).min(1, 'Choose at least one team to own the board').max(20),
});
export type CreateBoardRequest = z.input<typeof createBoardRequest>;

/** `PATCH /api/boards/:id` (admin): rename, or change which teams own it. */
export const updateBoardRequest = z
  .object({
    name: createBoardRequest.shape.name,
    teamIds: createBoardRequest.shape.teamIds,
  })
  .partial();
export type UpdateBoardRequest = z.infer<typeof updateBoardRequest>;
