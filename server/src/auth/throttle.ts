import ipaddr from 'ipaddr.js';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface ThrottleConfig {
  /** Wrong passwords for one account within the window before it is held (per trusted device, and for all other devices together). */
  maxPerAccount: number;
  /** Failed sign-ins from one address within the window before it is held (a shared ward PC, a proxy). */
  maxPerAddress: number;
  windowMs: number;
}

/**
 * What is held. `account`: the account, for browsers that have not signed in to it before.
 * `device`: the account, on one browser that has. `address`: every account, from one address.
 */
export type HoldScope = 'account' | 'device' | 'address';

/**
 * Whose password is being checked. A sign-in from a browser that has signed in to this account
 * before (a trusted device) is counted on its own; every other sign-in is counted against the
 * account and against the address it comes from. Changing one's password is counted per account.
 */
export type PasswordAttempt =
  | { kind: 'sign-in'; email: string; address: string; trustedDevice: string | null }
  | { kind: 'password-change'; email: string };

export type Admission = { admitted: true } | { admitted: false; scope: HoldScope; retryAfterSeconds: number };

interface Counter {
  key: string;
  limit: number;
  scope: HoldScope;
  /** A right password clears the count (`clear`), or only takes this attempt back (`take-back`). */
  onSuccess: 'clear' | 'take-back';
}

/** Every count about one account starts with this (`account:<email>:other-devices`, `...:device:<id>`). */
const accountPrefix = (email: string) => `account:${email.toLowerCase()}:`;

/**
 * The address an attempt is counted against: IPv4 as it is, IPv6 by its /64, the block one
 * household or ward network is given, so a client cannot make up new addresses within its own.
 */
export function addressBlock(address: string): string {
  if (!ipaddr.IPv6.isValid(address)) return address;
  const parts = ipaddr.IPv6.parse(address).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(':')}::/64`;
}

/**
 * Counts password attempts in Postgres (so every server instance sees the same count) and holds an
 * account, a device or an address once it passes its limit, until its window ends. An attempt is
 * counted in one statement before the password is checked, and refused at once past the limit, so
 * however many arrive together, at most the limit are ever checked in one window.
 */
export class SignInThrottle {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: ThrottleConfig,
    private readonly now: () => number = Date.now,
  ) {}

  #counters(attempt: PasswordAttempt): Counter[] {
    const { maxPerAccount, maxPerAddress } = this.config;
    const account = accountPrefix(attempt.email);
    if (attempt.kind === 'password-change')
      return [{ key: `${account}password`, limit: maxPerAccount, scope: 'account', onSuccess: 'clear' }];
    if (attempt.trustedDevice !== null)
      return [
        {
          key: `${account}device:${attempt.trustedDevice}`,
          limit: maxPerAccount,
          scope: 'device',
          onSuccess: 'clear',
        },
      ];
    return [
      { key: `${account}other-devices`, limit: maxPerAccount, scope: 'account', onSuccess: 'clear' },
      {
        key: `address:${addressBlock(attempt.address)}`,
        limit: maxPerAddress,
        scope: 'address',
        onSuccess: 'take-back',
      },
    ];
  }

  /**
   * Counts the attempt before its password is checked. Refused past a limit: the attempt is taken
   * back (nothing was checked) and the caller answers 429 without looking at the password.
   */
  async admit(attempt: PasswordAttempt): Promise<Admission> {
    const counters = this.#counters(attempt).sort((a, b) => a.key.localeCompare(b.key));
    const nowMs = this.now();
    const now = new Date(nowMs);
    const windowStart = new Date(nowMs - this.config.windowMs);
    // One statement, rows in key order (so two attempts never wait on each other's rows crosswise).
    const rows = await this.db
      .insertInto('sign_in_failures')
      .values(counters.map(({ key }) => ({ key, failures: 1, window_started_at: now })))
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failures: sql<number>`case when sign_in_failures.window_started_at <= ${windowStart} then 1 else sign_in_failures.failures + 1 end`,
          window_started_at: sql<Date>`case when sign_in_failures.window_started_at <= ${windowStart} then ${now} else sign_in_failures.window_started_at end`,
        }),
      )
      .returning(['key', 'failures', 'window_started_at'])
      .execute();
    let refusal: Admission = { admitted: true };
    for (const row of rows) {
      const counter = counters.find((c) => c.key === row.key)!;
      if (row.failures <= counter.limit) continue;
      const ends = new Date(row.window_started_at).getTime() + this.config.windowMs;
      const retryAfterSeconds = Math.max(1, Math.ceil((ends - nowMs) / 1000));
      if (refusal.admitted || retryAfterSeconds > refusal.retryAfterSeconds)
        refusal = { admitted: false, scope: counter.scope, retryAfterSeconds };
    }
    if (!refusal.admitted) await this.#takeBack(counters.map((c) => c.key));
    return refusal;
  }

  /** The password was right: the attempt was no failure. */
  async succeeded(attempt: PasswordAttempt): Promise<void> {
    const counters = this.#counters(attempt);
    const cleared = counters.filter((c) => c.onSuccess === 'clear').map((c) => c.key);
    if (cleared.length > 0)
      await this.db.deleteFrom('sign_in_failures').where('key', 'in', cleared).execute();
    await this.#takeBack(counters.filter((c) => c.onSuccess === 'take-back').map((c) => c.key));
    // Counts whose window has ended mean nothing any more; clear them out now and then.
    await this.db
      .deleteFrom('sign_in_failures')
      .where('window_started_at', '<', new Date(this.now() - this.config.windowMs))
      .execute();
  }

  /** An admin resetting the password lifts every hold on the account (its devices' too). */
  async clearAccount(email: string): Promise<void> {
    await this.db
      .deleteFrom('sign_in_failures')
      .where(sql<boolean>`starts_with(key, ${accountPrefix(email)})`)
      .execute();
  }

  async #takeBack(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .updateTable('sign_in_failures')
      .set({ failures: sql<number>`greatest(failures - 1, 0)` })
      .where('key', 'in', keys)
      .execute();
  }
}
