import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Principal } from '../access/principal.ts';
import type { AccessEvents } from '../access/accessEvents.ts';
import type { SessionEndReason } from '#shared/events';

export interface SessionConfig {
  /** A session unused for this long has ended. */
  idleMs: number;
  /** A session ends this long after sign-in, however active. */
  maxAgeMs: number;
}

export interface SessionMeta {
  address?: string | undefined;
  userAgent?: string | undefined;
}

function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// Activity is written at most this often per session; idle expiry is measured in minutes.
const TOUCH_EVERY_MS = 30_000;
// Sessions whose last activity is remembered in memory before idle ones are forgotten.
const TOUCHED_KEPT = 10_000;

/**
 * Sessions in Postgres. The cookie holds a random token; the table holds only its SHA-256.
 * A session ends after `idleMs` without activity, after `maxAgeMs` in all, at sign-out, and when
 * the user is deactivated or their password changes.
 */
export class SessionStore {
  readonly #touched = new Map<string, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: SessionConfig,
    private readonly events: AccessEvents,
    private readonly now: () => number = Date.now,
  ) {}

  async create(userId: string, meta: SessionMeta = {}): Promise<{ token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = new Date(now + this.config.maxAgeMs);
    await this.db
      .insertInto('sessions')
      .values({
        id: sessionId(token),
        user_id: userId,
        last_seen_at: new Date(now),
        expires_at: expiresAt,
        address: meta.address?.slice(0, 100) ?? null,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    // Ended sessions are of no further use; clear them out now and then.
    await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<', new Date(now))
      .execute()
      .catch(() => undefined);
    return { token, expiresAt };
  }

  /** The signed-in user for a cookie token, or null when the session is unknown, ended or expired. */
  async resolve(token: string, options: { touch?: boolean } = {}): Promise<Principal | null> {
    return this.resolveById(sessionId(token), options);
  }

  /** Like `resolve`, by the session's id (as open sockets know it). */
  async resolveById(id: string, { touch = true }: { touch?: boolean } = {}): Promise<Principal | null> {
    const now = this.now();
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
      .select([
        's.id as session_id',
        's.last_seen_at',
        's.expires_at',
        'u.id as user_id',
        'u.name',
        'u.email',
        'u.role',
        'u.active',
        'u.must_change_password',
        'u.organisation_id',
        'o.name as organisation_name',
      ])
      .where('s.id', '=', id)
      .executeTakeFirst();
    if (!row || !row.active) return null;
    const lastSeen = this.#lastSeen(id, new Date(row.last_seen_at).getTime());
    if (new Date(row.expires_at).getTime() <= now || lastSeen + this.config.idleMs <= now) return null;
    if (touch) await this.touch(id);
    return {
      sessionId: row.session_id,
      userId: row.user_id,
      name: row.name,
      email: row.email,
      role: row.role,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      mustChangePassword: row.must_change_password,
      sessionEndsAt: new Date(row.expires_at).getTime(),
    };
  }

  /** Records activity on a session (written at most every 30 seconds). */
  async touch(id: string): Promise<void> {
    const now = this.now();
    const last = this.#touched.get(id);
    if (last !== undefined && now - last < TOUCH_EVERY_MS) return;
    this.#touched.set(id, now);
    if (this.#touched.size > TOUCHED_KEPT) this.#forgetIdle(now);
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: new Date(now) })
      .where('id', '=', id)
      .execute();
  }

  /** Ends one session (sign-out). */
  async end(id: string, reason: SessionEndReason = 'signed-out'): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
    this.#touched.delete(id);
    this.events.emit('sessions-ended', [id], reason);
  }

  /** Ends every session of a user, except `keep` (the one changing its own password). */
  async endForUser(userId: string, reason: SessionEndReason, keep?: string): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keep) query = query.where('id', '!=', keep);
    const ended = await query.returning('id').execute();
    for (const { id } of ended) this.#touched.delete(id);
    if (ended.length > 0)
      this.events.emit(
        'sessions-ended',
        ended.map((s) => s.id),
        reason,
      );
  }

  /** Drops what is remembered of sessions that have been idle for longer than the idle limit. */
  #forgetIdle(now: number): void {
    for (const [id, at] of this.#touched) {
      if (now - at > this.config.idleMs) this.#touched.delete(id);
    }
  }

  #lastSeen(id: string, stored: number): number {
    const touched = this.#touched.get(id);
    return touched !== undefined && touched > stored ? touched : stored;
  }
}
