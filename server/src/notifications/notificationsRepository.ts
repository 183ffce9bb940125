import type { Kysely } from 'kysely';
import {
  NOTIFICATION_KINDS,
  notificationText,
  type EmailChoice,
  type NotificationItem,
  type NotificationKind,
  type NotificationList,
} from '#shared/notifications';
import { initialsOf } from '#shared/work';
import type { AccessPolicy } from '../access/AccessPolicy.ts';
import type { Principal } from '../access/principal.ts';
import type { Database } from '../db/schema.ts';

/** The most notifications the centre lists: the newest. */
const LISTED = 100;

const kindOf = (kind: string): NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(kind) ? (kind as NotificationKind) : 'action-proposed';

/**
 * A person's notifications, on the boards they can still open only (someone who has left a team
 * is no longer told about its board), read and marked read.
 */
export class NotificationsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly policy: AccessPolicy,
  ) {}

  async list(principal: Principal): Promise<NotificationList> {
    const boards = await this.policy.boards(principal);
    if (boards.length === 0) return { items: [], unread: 0 };
    const names = new Map(boards.map((b) => [b.id, b.name]));
    const ids = [...names.keys()];
    const [rows, unread] = await Promise.all([
      this.db
        .selectFrom('notifications as n')
        .leftJoin('projected_people as p', (join) =>
          join.onRef('p.board_id', '=', 'n.board_id').onRef('p.id', '=', 'n.person_id'),
        )
        .select([
          'n.id',
          'n.kind',
          'n.board_id',
          'n.record_type',
          'n.record_id',
          'n.actor_name',
          'n.subject',
          'n.created_at',
          'n.read_at',
          'p.name as person_name',
        ])
        .where('n.user_id', '=', principal.userId)
        .where('n.board_id', 'in', ids)
        .orderBy('n.created_at', 'desc')
        .orderBy('n.id', 'desc')
        .limit(LISTED)
        .execute(),
      this.#unread(principal.userId, ids),
    ]);
    const items: NotificationItem[] = rows.map((row) => ({
      id: String(row.id),
      kind: kindOf(row.kind),
      text: notificationText(kindOf(row.kind), row.actor_name, row.record_type),
      subject: row.subject,
      boardId: row.board_id,
      boardName: names.get(row.board_id) ?? '',
      recordType: row.record_type,
      recordId: row.record_id,
      personInitials: row.person_name ? initialsOf(row.person_name) : null,
      createdAt: new Date(row.created_at).toISOString(),
      read: row.read_at !== null,
    }));
    return { items, unread };
  }

  async unreadCount(principal: Principal): Promise<number> {
    const boards = await this.policy.boards(principal);
    return this.#unread(
      principal.userId,
      boards.map((b) => b.id),
    );
  }

  /** Marks some of the user's notifications read (or unread); others' ids change nothing. */
  async mark(userId: string, ids: readonly string[], read: boolean, now = new Date()): Promise<void> {
    await this.db
      .updateTable('notifications')
      .set({ read_at: read ? now : null })
      .where('user_id', '=', userId)
      .where('id', 'in', [...ids])
      .execute();
  }

  async markAll(userId: string, now = new Date()): Promise<void> {
    await this.db
      .updateTable('notifications')
      .set({ read_at: now })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .execute();
  }

  async emailChoice(userId: string): Promise<EmailChoice> {
    const row = await this.db
      .selectFrom('notification_preferences')
      .select('email')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return (row?.email as EmailChoice | undefined) ?? 'digest';
  }

  async setEmailChoice(userId: string, email: EmailChoice, now = new Date()): Promise<void> {
    await this.db
      .insertInto('notification_preferences')
      .values({ user_id: userId, email, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ email, updated_at: now }))
      .execute();
  }

  async #unread(userId: string, boardIds: readonly string[]): Promise<number> {
    if (boardIds.length === 0) return 0;
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.countAll<string>().as('unread'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .where('board_id', 'in', [...boardIds])
      .executeTakeFirstOrThrow();
    return Number(row.unread);
  }
}
