import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DEMO_PASSWORD, DEMO_USERS } from '../seed.ts';
import { verifyPassword } from './passwords.ts';

/**
 * Whether this database lets anyone in with the demo's published sign-ins: an active demo account
 * (by the email the README lists) whose password is still the published one. True on the first
 * start with the demo seeded and on every later start (SEED=false too) until those accounts are
 * switched off or their passwords changed; false for a real installation.
 */
export async function demoSignInsArePublic(db: Kysely<Database>): Promise<boolean> {
  const rows = await db
    .selectFrom('users')
    .select('password_hash')
    .where(
      'email',
      'in',
      DEMO_USERS.map((u) => u.email),
    )
    .where('active', '=', true)
    .where('password_hash', 'is not', null)
    .execute();
  // The seed gives every demo account one hash: usually one check, argon2id being slow on purpose.
  for (const hash of new Set(rows.map((r) => r.password_hash))) {
    if (await verifyPassword(hash, DEMO_PASSWORD)) return true;
  }
  return false;
}
