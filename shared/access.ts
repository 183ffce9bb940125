/*
 * Who may do what: roles across the installation and in a team, and what someone may do on a board.
 */

/** A user's role across the whole installation. `null`: an ordinary clinician or care worker. */
export const GLOBAL_ROLES = ['admin', 'manager'] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number];

export const GLOBAL_ROLE_LABELS: Record<GlobalRole, string> = {
  admin: 'Admin',
  manager: 'Manager',
};

/** A member's role in one team. */
export const TEAM_ROLES = ['facilitator', 'member', 'viewer'] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];

export const TEAM_ROLE_LABELS: Record<TeamRole, string> = {
  facilitator: 'Facilitator',
  member: 'Member',
  viewer: 'Viewer',
};

/**
 * What a user may do on one board. `edit`: facilitators and members of an owning team.
 * `view`: viewers of an owning team, managers with an owning team in their scope, and admins.
 */
export type BoardAccess = 'edit' | 'view';
