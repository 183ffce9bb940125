import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** A browser stays trusted for an account this long after it last signed in to it. */
export const DEVICE_TRUST_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

export const newDeviceToken = (): string => randomBytes(32).toString('base64url');

const deviceId = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * The browsers each user has signed in on, known by a random token in a long-lived cookie (OWASP's
 * "device cookies"). The cookie proves nothing about who someone is and never signs anyone in; it
 * only lets a browser that has signed in to an account before keep its own count of wrong passwords,
 * so a stranger's wrong passwords hold the account everywhere else but not there.
 */
export class TrustedDevices {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The device's id, when the browser holding `token` has signed in to this user's account before. */
  async trustedFor(token: string | null, userId: string | undefined): Promise<string | null> {
    if (token === null || userId === undefined) return null;
    const id = deviceId(token);
    const row = await this.db
      .selectFrom('trusted_devices')
      .select('device_id')
      .where('device_id', '=', id)
      .where('user_id', '=', userId)
      .where('last_signed_in_at', '>', new Date(this.now() - DEVICE_TRUST_DAYS * DAY_MS))
      .executeTakeFirst();
    return row ? id : null;
  }

  /** Someone proved who they are on the browser holding `token`: it is trusted for their account. */
  async trust(token: string, userId: string): Promise<void> {
    const now = new Date(this.now());
    await this.db
      .insertInto('trusted_devices')
      .values({ device_id: deviceId(token), user_id: userId, last_signed_in_at: now })
      .onConflict((oc) => oc.columns(['device_id', 'user_id']).doUpdateSet({ last_signed_in_at: now }))
      .execute();
    // Browsers not used for this account in a year are forgotten.
    await this.db
      .deleteFrom('trusted_devices')
      .where('user_id', '=', userId)
      .where('last_signed_in_at', '<', new Date(this.now() - DEVICE_TRUST_DAYS * DAY_MS))
      .execute();
  }
}
