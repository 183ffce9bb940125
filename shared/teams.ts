import { z } from 'zod';
import { TEAM_ROLES, type TeamRole } from './access.ts';
import { name } from './fields.ts';
import type { Organisation } from './organisations.ts';

/*
 * Teams (MDTs) and their memberships.
 */

/** `GET /api/teams` item: admins see every team, everyone else their own. */
export interface TeamSummary {
  id: string;
  name: string;
  memberCount: number;
  boardCount: number;
  /** The caller's role in the team, if they are a member. */
  myRole: TeamRole | null;
  /** Whether the caller can change the membership (admin, or facilitator of this team). */
  canManage: boolean;
}

export interface TeamMember {
  userId: string;
  name: string;
  email: string;
  profession: string;
  organisation: Organisation | null;
  role: TeamRole;
  active: boolean;
}

/** `GET /api/teams/:id` (admin or member). */
export interface TeamDetail extends TeamSummary {
  members: TeamMember[];
  boards: { id: string; name: string }[];
}

/** `POST /api/teams`, `PATCH /api/teams/:id` (admin). */
export const teamRequest = z.object({ name: name('the team name') });
export type TeamRequest = z.infer<typeof teamRequest>;

/** `PUT /api/teams/:id/members/:userId` (admin or the team's facilitator): add, or change the role. */
export const membershipRequest = z.object({
  role: z.enum(TEAM_ROLES, { error: 'Choose facilitator, member or viewer' }),
});
export type MembershipRequest = z.infer<typeof membershipRequest>;
