import { sql, type Kysely, type Transaction } from 'kysely';
import { OPEN_ACTION_STATUSES } from '#shared/board/action';
import { todayIsoDate } from '#shared/board/record';
import { notificationPath, notificationText, type NotificationKind } from '#shared/notifications';
import { canOpenBoard } from '../access/AccessPolicy.ts';
import { initialsOf } from '#shared/work';
import type { Database } from '../db/schema.ts';
import type { Logger } from '../log.ts';
import type { Mailer } from './mailer.ts';

/** Notifications for people who want them as they happen wait this long, so a few go in one email. */
const GATHER_MS = 2 * 60_000;
/** Emails sent per look at the outbox. */
const SEND_BATCH = 50;
/** Notifications one email lists; the rest are counted. */
const LISTED_IN_EMAIL = 20;

export interface NotificationJobsOptions {
  /** The hour (server time zone) from which each day's digest goes out. */
  digestHour: number;
  /** The address links in emails start with. */
  siteUrl: string;
  now?: () => Date;
}

function addDays(date: string, days: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

interface PendingNotification {
  id: string;
  user_id: string;
  kind: string;
  board_id: string;
  record_type: string;
  record_id: string;
  actor_name: string | null;
  board_name: string;
  person_name: string | null;
}

/**
 * Reminders, digests and email, on a schedule that survives restarts and never runs twice with two
 * servers: each run of a job for a period (an hour, a day) is a row of `scheduled_runs` inserted in
 * the run's own transaction, so only one server's run commits and a run that fails is tried again;
 * reminders are once only by their `dedupe_key`; each email is claimed by one sender before it goes.
 * `tick` does whatever is due now; the server calls it every minute, tests with a clock of their own.
 */
export class NotificationJobs {
  readonly #now: () => Date;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly mailer: Mailer,
    private readonly log: Logger,
    private readonly options: NotificationJobsOptions,
  ) {
    this.#now = options.now ?? (() => new Date());
  }

  async tick(): Promise<void> {
    const now = this.#now();
    const today = todayIsoDate(now);
    await this.#once('reminders', `${today}T${String(now.getHours()).padStart(2, '0')}`, (trx) =>
      this.#reminders(trx, today),
    );
    if (now.getHours() >= this.options.digestHour)
      await this.#once('digest', today, (trx) => this.#digest(trx, now, today));
    await this.#immediate(now);
    await this.sendOutbox();
  }

  /** Runs `work` for `period` unless some server has already: in one transaction with its mark. */
  async #once(
    job: string,
    period: string,
    work: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('scheduled_runs')
        .values({ job, period })
        .onConflict((oc) => oc.doNothing())
        .returning('job')
        .executeTakeFirst();
      if (claimed) await work(trx);
    });
  }

  /** Due tomorrow and overdue, once each per action and due date, to its owner. */
  async #reminders(trx: Transaction<Database>, today: string): Promise<void> {
    const remind = (kind: NotificationKind, due: (column: string) => ReturnType<typeof sql>) =>
      sql`insert into notifications
            (user_id, kind, board_id, record_type, record_id, person_id, subject, dedupe_key)
          select a.owner_id, ${kind}, a.board_id, 'actions', a.id, a.person_id, a.record->>'title',
                 ${kind} || ':' || a.board_id || ':' || a.id || ':' || a.due_date
          from projected_actions a join users u on u.id = a.owner_id and u.active
          where ${due('a.due_date')} and a.status in (${sql.join(OPEN_ACTION_STATUSES)})
          on conflict do nothing`.execute(trx);
    await remind('due-tomorrow', (column) => sql`${sql.ref(column)} = ${addDays(today, 1)}`);
    await remind('overdue', (column) => sql`${sql.ref(column)} < ${today}`);
  }

  /** Each morning, one email per person who wants a digest and has something in it. */
  async #digest(trx: Transaction<Database>, now: Date, today: string): Promise<void> {
    const pending = await this.#pending(trx, 'digest');
    const overdue = await trx
      .selectFrom('projected_actions as a')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .leftJoin('notification_preferences as np', 'np.user_id', 'u.id')
      .select(['a.owner_id', (eb) => eb.fn.countAll<string>().as('count')])
      .where('u.active', '=', true)
      .where((eb) => eb.or([eb('np.email', 'is', null), eb('np.email', '=', 'digest')]))
      .where('a.due_date', '<', today)
      .where('a.status', 'in', OPEN_ACTION_STATUSES)
      .groupBy('a.owner_id')
      .execute();
    const overdueOf = new Map(overdue.map((row) => [row.owner_id!, Number(row.count)]));
    const users = new Set([...pending.keys(), ...overdueOf.keys()]);
    if (users.size === 0) return;
    const people = await trx
      .selectFrom('users')
      .select(['id', 'name', 'email'])
      .where('id', 'in', [...users])
      .execute();
    for (const person of people) {
      const items = pending.get(person.id) ?? [];
      const late = overdueOf.get(person.id) ?? 0;
      const lines = [
        `Good morning, ${person.name}.`,
        '',
        ...(items.length > 0 ? ['Since your last email from Huddle:', ...this.#lines(items), ''] : []),
        ...(late > 0
          ? [
              `You have ${late} overdue ${late === 1 ? 'action' : 'actions'}: ${this.options.siteUrl}/my-work`,
              '',
            ]
          : []),
        `Huddle emails you once a day. Choose how: ${this.options.siteUrl}/notifications`,
      ];
      await this.#enqueue(trx, {
        userId: person.id,
        to: person.email,
        subject: 'Huddle: your daily summary',
        text: lines.join('\n'),
        key: `digest:${person.id}:${today}`,
      });
      await this.#markEmailed(trx, items, now);
    }
  }

  /** For people who want email as things happen: what gathered over the last minutes, in one email. */
  async #immediate(now: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext('huddle:immediate-email')) as locked`.execute(trx);
      if (!rows[0]?.locked) return;
      const pending = await this.#pending(trx, 'immediate', new Date(now.getTime() - GATHER_MS));
      if (pending.size === 0) return;
      const people = await trx
        .selectFrom('users')
        .select(['id', 'email'])
        .where('id', 'in', [...pending.keys()])
        .execute();
      for (const person of people) {
        const items = pending.get(person.id)!;
        await this.#enqueue(trx, {
          userId: person.id,
          to: person.email,
          subject:
            items.length === 1
              ? `Huddle: ${notificationText(items[0]!.kind as NotificationKind, items[0]!.actor_name, items[0]!.record_type)}`
              : `Huddle: ${items.length} new notifications`,
          text: [
            ...this.#lines(items),
            '',
            `Choose how Huddle emails you: ${this.options.siteUrl}/notifications`,
          ].join('\n'),
          key: `immediate:${person.id}:${items.at(-1)!.id}`,
        });
        await this.#markEmailed(trx, items, now);
      }
    });
  }

  /** Sends what is in the outbox: each email claimed by one sender first, so none goes twice. */
  async sendOutbox(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.db
        .updateTable('email_outbox')
        .set({ claimed_at: this.#now() })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('email_outbox')
            .select('id')
            .where('claimed_at', 'is', null)
            .orderBy('id')
            .limit(SEND_BATCH)
            .forUpdate()
            .skipLocked(),
        )
        .returning(['id', 'to_address', 'subject', 'body'])
        .execute();
      if (claimed.length === 0) return sent;
      for (const email of claimed) {
        try {
          const delivery = await this.mailer.send({
            to: email.to_address,
            subject: email.subject,
            text: email.body,
          });
          await this.db
            .updateTable('email_outbox')
            .set({ sent_at: this.#now(), delivery, error: null })
            .where('id', '=', email.id)
            .execute();
          sent += 1;
        } catch (error) {
          // Not taken by the mail server: given back, to be tried at the next look.
          const reason = error instanceof Error ? error.message : String(error);
          this.log.warn({ emailId: email.id, reason }, 'an email could not be sent; it is tried again later');
          await this.db
            .updateTable('email_outbox')
            .set({ claimed_at: null, error: reason.slice(0, 500) })
            .where('id', '=', email.id)
            .execute();
          return sent;
        }
      }
    }
  }

  /** Unread notifications no email has carried yet, per user, for people whose choice is `choice`. */
  async #pending(
    trx: Transaction<Database>,
    choice: 'digest' | 'immediate',
    before?: Date,
  ): Promise<Map<string, PendingNotification[]>> {
    let query = trx
      .selectFrom('notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .innerJoin('boards as b', 'b.id', 'n.board_id')
      .leftJoin('notification_preferences as np', 'np.user_id', 'n.user_id')
      .leftJoin('projected_people as p', (join) =>
        join.onRef('p.board_id', '=', 'n.board_id').onRef('p.id', '=', 'n.person_id'),
      )
      .select([
        'n.id',
        'n.user_id',
        'n.kind',
        'n.board_id',
        'n.record_type',
        'n.record_id',
        'n.actor_name',
        'b.name as board_name',
        'p.name as person_name',
      ])
      .where('u.active', '=', true)
      // Nothing about a board someone can no longer open (or never could: a mention is only words).
      .where(canOpenBoard('u', sql.ref('n.board_id')))
      .where('n.read_at', 'is', null)
      .where('n.emailed_at', 'is', null)
      .where((eb) =>
        choice === 'digest'
          ? eb.or([eb('np.email', 'is', null), eb('np.email', '=', 'digest')])
          : eb('np.email', '=', 'immediate'),
      )
      .orderBy('n.id');
    if (before) query = query.where('n.created_at', '<=', before);
    const byUser = new Map<string, PendingNotification[]>();
    for (const row of await query.execute()) {
      const list = byUser.get(row.user_id) ?? [];
      list.push({ ...row, id: String(row.id) });
      byUser.set(row.user_id, list);
    }
    return byUser;
  }

  /** One line per notification: what happened, for whom by initials, on which board, and a link. No clinical detail. */
  #lines(items: readonly PendingNotification[]): string[] {
    const lines = items.slice(0, LISTED_IN_EMAIL).map((item) => {
      const who = item.person_name ? ` for ${initialsOf(item.person_name)}` : '';
      const kind = item.kind as NotificationKind;
      const link = `${this.options.siteUrl}${notificationPath({ kind, boardId: item.board_id, recordType: item.record_type, recordId: item.record_id })}`;
      return `- ${notificationText(kind, item.actor_name, item.record_type)}${who} (${item.board_name}): ${link}`;
    });
    if (items.length > LISTED_IN_EMAIL)
      lines.push(`- and ${items.length - LISTED_IN_EMAIL} more: ${this.options.siteUrl}/notifications`);
    return lines;
  }

  async #enqueue(
    trx: Transaction<Database>,
    email: { userId: string; to: string; subject: string; text: string; key: string },
  ): Promise<void> {
    await trx
      .insertInto('email_outbox')
      .values({
        user_id: email.userId,
        to_address: email.to,
        subject: email.subject,
        body: email.text,
        dedupe_key: email.key,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async #markEmailed(
    trx: Transaction<Database>,
    items: readonly PendingNotification[],
    now: Date,
  ): Promise<void> {
    if (items.length === 0) return;
    await trx
      .updateTable('notifications')
      .set({ emailed_at: now })
      .where(
        'id',
        'in',
        items.map((item) => item.id),
      )
      .execute();
  }
}
