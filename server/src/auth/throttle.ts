import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface ThrottleConfig {
  /** Failed sign-ins to one account within the window before it is held. */
  maxPerAccount: number;
  /** Failed sign-ins from one address within the window before it is held (a shared ward PC, a proxy). */
  maxPerAddress: number;
  windowMs: number;
}

export type ThrottleVerdict =
  { held: false } | { held: true; scope: 'account' | 'address'; retryAfterSeconds: number };

const accountKey = (email: string) => `account:${email.toLowerCase()}`;
const addressKey = (address: string) => `address:${address}`;

/**
 * Counts failed sign-ins per account and per address in Postgres (so every server instance sees the
 * same count) and holds further attempts once either passes its limit, until the window ends.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: ThrottleConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async check(email: string, address: string): Promise<ThrottleVerdict> {
    const rows = await this.db
      .selectFrom('sign_in_failures')
      .selectAll()
      .where('key', 'in', [accountKey(email), addressKey(address)])
      .execute();
    const now = this.now();
    let verdict: ThrottleVerdict = { held: false };
    for (const row of rows) {
      const ends = new Date(row.window_started_at).getTime() + this.config.windowMs;
      if (ends <= now) continue;
      const scope = row.key.startsWith('account:') ? 'account' : 'address';
      const limit = scope === 'account' ? this.config.maxPerAccount : this.config.maxPerAddress;
      if (row.failures < limit) continue;
      const retryAfterSeconds = Math.max(1, Math.ceil((ends - now) / 1000));
      if (!verdict.held || retryAfterSeconds > verdict.retryAfterSeconds)
        verdict = { held: true, scope, retryAfterSeconds };
    }
    return verdict;
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const now = new Date(this.now());
    const windowStart = new Date(this.now() - this.config.windowMs);
    for (const key of [accountKey(email), addressKey(address)]) {
      await this.db
        .insertInto('sign_in_failures')
        .values({ key, failures: 1, window_started_at: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql<number>`case when sign_in_failures.window_started_at <= ${windowStart} then 1 else sign_in_failures.failures + 1 end`,
            window_started_at: sql<Date>`case when sign_in_failures.window_started_at <= ${windowStart} then ${now} else sign_in_failures.window_started_at end`,
          }),
        )
        .execute();
    }
  }

  /** A successful sign-in, or an admin resetting the password, clears the account's count. */
  async clearAccount(email: string): Promise<void> {
    await this.db.deleteFrom('sign_in_failures').where('key', '=', accountKey(email)).execute();
  }
}
