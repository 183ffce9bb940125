import { z } from 'zod';
import { BOARD_NAME_MAX, ORGANISATION_KINDS, type Organisation } from './api.ts';
import { GLOBAL_ROLES, TEAM_ROLES, email, type GlobalRole, type TeamRole } from './auth.ts';
import { PATHWAY_TEMPLATE_IDS } from './board/pathway.ts';

/**
 * REST payloads of the admin pages: organisations, users, teams, memberships and boards.
 * Every write is checked on the server; these validators give the same messages in the browser.
 */

export const NAME_MAX = 120;
export const PROFESSION_MAX = 80;

const name = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(NAME_MAX, `Keep ${what} to ${NAME_MAX} characters or fewer`);

const id = z.string({ error: 'Choose one' }).min(1, 'Choose one').max(64);

/** `POST /api/organisations`, `PATCH /api/organisations/:id` (admin). */
export const organisationRequest = z.object({
  name: name('the organisation name'),
  kind: z.enum(ORGANISATION_KINDS, { error: 'Choose what kind of organisation it is' }),
});
export type OrganisationRequest = z.infer<typeof organisationRequest>;

/** A user as the admin pages show it. `GET /api/users` (admin), item. */
export interface AdminUser {
  id: string;
  name: string;
  email: string;
  profession: string;
  organisation: Organisation | null;
  role: GlobalRole | null;
  active: boolean;
  mustChangePassword: boolean;
  /** Teams whose boards a manager sees, read-only. Empty for everyone else. */
  managedTeamIds: string[];
  teams: { id: string; name: string; role: TeamRole }[];
  createdAt: string;
}

/** Someone who can be added to a team: `GET /api/people-directory` (admins and facilitators). */
export interface DirectoryUser {
  id: string;
  name: string;
  profession: string;
  organisation: Organisation | null;
}

/** `GET /api/boards/:id/members`: who can work on a board (members of its owning teams), by name. */
export type BoardMember = DirectoryUser & { role: TeamRole };

const userFields = {
  name: name('their full name'),
  email,
  profession: z
    .string({ error: 'Enter their profession' })
    .trim()
    .min(1, 'Enter their profession, like GP, OT or care coordinator')
    .max(PROFESSION_MAX, `Keep the profession to ${PROFESSION_MAX} characters or fewer`),
  organisationId: id.nullable(),
  role: z.enum(GLOBAL_ROLES, { error: 'Choose admin, manager or no global role' }).nullable(),
  managedTeamIds: z.array(id).max(200).default([]),
};

/** `POST /api/users` (admin). The answer carries a one-time temporary password. */
export const createUserRequest = z.object(userFields);
export type CreateUserRequest = z.input<typeof createUserRequest>;

/** `PATCH /api/users/:id` (admin): any subset of the fields, plus switching the account on or off. */
export const updateUserRequest = z
  .object({ ...userFields, managedTeamIds: z.array(id).max(200), active: z.boolean() })
  .partial();
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;

/**
 * `POST /api/users` and `POST /api/users/:id/reset-password`: shown to the admin once, never stored
 * in the clear; the user must change it at first sign-in.
 */
export interface TemporaryPasswordResponse {
  user: AdminUser;
  temporaryPassword: string;
}

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

/** `GET /api/admin/audit.csv?from=YYYY-MM-DD&to=YYYY-MM-DD` (admin): both dates inclusive, in UTC. */
export const auditExportQuery = z
  .object({
    from: z.iso.date({ error: 'Enter the first day as a date, like 2026-11-01' }),
    to: z.iso.date({ error: 'Enter the last day as a date, like 2026-11-30' }),
  })
  .refine((q) => q.from <= q.to, { path: ['to'], message: 'The last day must be on or after the first day' });
export type AuditExportQuery = z.infer<typeof auditExportQuery>;
