import type { Actor } from '#shared/board/record';
import { DEMO_USERS } from '../../server/src/seed.ts';

/** The demo team that owns the bench boards (the seed creates it); its members can edit them. */
export const BENCH_TEAM_ID = 'riverside-frailty-team';

/** A demo member of the bench team who may edit its boards and own its actions. */
export interface BenchMember {
  id: string;
  name: string;
  email: string;
  organisationId: string;
  /** Who the member's changes are by, for `BoardDocument`. */
  actor: Actor;
}

/**
 * The frailty team's facilitator and members as the demo seed creates them (viewers may neither
 * edit nor own actions): every bench client signs in as one of these and writes as that person.
 */
export const BENCH_MEMBERS: readonly BenchMember[] = DEMO_USERS.filter((user) =>
  user.teams.some(([team, role]) => team === BENCH_TEAM_ID && role !== 'viewer'),
).map((user) => ({
  id: user.id,
  name: user.name,
  email: user.email,
  organisationId: user.organisationId,
  actor: { id: user.id, name: user.name },
}));

/** A viewer of the bench team: sees its boards live and can change nothing (the benches' read-only probe). */
export const BENCH_VIEWER_EMAIL = DEMO_USERS.find((user) =>
  user.teams.some(([team, role]) => team === BENCH_TEAM_ID && role === 'viewer'),
)!.email;
