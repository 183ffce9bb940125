import { TEAM_ROLES, type TeamRole } from '#shared/access';

/** The role that lets someone do more: facilitator, then member, then viewer. */
export function strongestRole(a: TeamRole, b: TeamRole): TeamRole {
  return TEAM_ROLES.indexOf(a) <= TEAM_ROLES.indexOf(b) ? a : b;
}
