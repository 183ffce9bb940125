import type { Kysely } from 'kysely';
import type { Database } from '../../server/src/db/schema.ts';

/*
 * A Place at a benchmark's size, written straight into the database: organisations, users, one team
 * per board (each user in about two teams, the first member its facilitator). What the boards hold is
 * each benchmark's own, written through the real write path.
 */

export const ORGANISATIONS = ['trust', 'practice', 'council', 'hospital', 'charity'].map((id) => ({
  id: `org-${id}`,
  name: `Bench ${id}`,
  kind: 'nhs_trust' as const,
}));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Percentiles of timings, in their unit, to two places. */
export function summary(samples: number[]): { p50: number; p95: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? NaN),
  };
}

export interface Place {
  users: { id: string; organisation_id: string }[];
  boards: { id: string; name: string }[];
  /** Each board's team, by user id. */
  members: string[][];
}

/** Writes the Place's organisations, users, boards and teams. */
export async function createPlace(
  db: Kysely<Database>,
  { boards: boardCount, users: userCount }: { boards: number; users: number },
): Promise<Place> {
  const membersPerTeam = Math.max(2, Math.round((userCount * 2) / boardCount));
  await db.insertInto('organisations').values(ORGANISATIONS).execute();
  const users = Array.from({ length: userCount }, (_, i) => ({
    id: `user-${i}`,
    name: `Bench User ${i}`,
    email: `user-${i}@bench.example`,
    profession: 'Nurse',
    organisation_id: ORGANISATIONS[i % ORGANISATIONS.length]!.id,
    role: null,
    password_hash: null,
  }));
  for (let i = 0; i < users.length; i += 1_000)
    await db
      .insertInto('users')
      .values(users.slice(i, i + 1_000))
      .execute();
  const boards = Array.from({ length: boardCount }, (_, i) => ({
    id: `board-${i}`,
    name: `Bench board ${i}`,
  }));
  await db.insertInto('boards').values(boards).execute();
  await db
    .insertInto('teams')
    .values(boards.map((b, i) => ({ id: `team-${i}`, name: `Bench team ${i}` })))
    .execute();
  await db
    .insertInto('board_teams')
    .values(boards.map((b, i) => ({ board_id: b.id, team_id: `team-${i}` })))
    .execute();
  const members: string[][] = boards.map((_, i) =>
    Array.from(
      { length: membersPerTeam },
      (__, j) => `user-${(i * Math.ceil(userCount / boardCount) + j) % userCount}`,
    ),
  );
  const memberships = members.flatMap((ids, i) =>
    [...new Set(ids)].map((user_id, j) => ({
      team_id: `team-${i}`,
      user_id,
      role: j === 0 ? ('facilitator' as const) : ('member' as const),
    })),
  );
  for (let i = 0; i < memberships.length; i += 2_000)
    await db
      .insertInto('team_memberships')
      .values(memberships.slice(i, i + 2_000))
      .execute();
  return { users, boards, members };
}
