import { describe, expect, it } from 'vitest';
import type { NotificationList, UnreadCount } from '#shared/notifications';
import type { MyWork } from '#shared/work';
import { createLogger } from '../src/log.ts';
import { createMailer } from '../src/notifications/mailer.ts';
import { NotificationJobs } from '../src/notifications/notificationJobs.ts';
import type { HuddleServer } from '../src/server.ts';
import { api, DEMO, signIn } from './support/auth.ts';
import { handshake, openAppSocket } from './support/appSocket.ts';
import { anAction, by, GRACE, newBoard, testDb, TEST_TEAM_ID } from './support/boards.ts';
import { connectClient, type TestClient } from './support/clients.ts';
import { startTestServer } from './support/server.ts';
import { startSmtpServer } from './support/smtpServer.ts';

const TOM = { id: 'demo-tom-reid', name: 'Dr Tom Reid', email: DEMO.facilitator };
const PRIYA = { id: 'demo-priya-shah', email: DEMO.otherMember };
const quiet = createLogger('silent');

async function openBoard(url: string, boardId: string, email: string): Promise<TestClient> {
  const client = connectClient(url, boardId, { cookie: await signIn(url, email) });
  await client.synced();
  return client;
}

const forTom = (title: string) => ({
  ...anAction(title),
  ownerId: TOM.id,
  ownerName: TOM.name,
  ownerOrganisationId: 'elm-tree-practice',
});

async function notificationsOf(server: HuddleServer, email: string) {
  return api<NotificationList>(server.url, 'GET', '/api/notifications', {
    cookie: await signIn(server.url, email),
  });
}

/** The demo's own notifications marked read: a test counts and emails only what it brings about. */
async function readTheDemos(server: HuddleServer, ...emails: string[]): Promise<void> {
  for (const email of emails) {
    const marked = await api(server.url, 'POST', '/api/notifications/read', {
      cookie: await signIn(server.url, email),
      body: { all: true },
    });
    expect(marked.status).toBe(204);
  }
}

/** The reminders and email of `server`'s database, on a clock the test moves. */
function jobsOn(server: HuddleServer, smtpUrl: string | null) {
  const clock = { now: new Date(2026, 11, 5, 6, 0) };
  const jobs = new NotificationJobs(
    server.database.db,
    createMailer(smtpUrl, 'Huddle <huddle@test>', quiet),
    quiet,
    {
      digestHour: 7,
      siteUrl: 'https://huddle.test',
      now: () => clock.now,
    },
  );
  return { jobs, clock };
}

describe('notifications', () => {
  it('tell the owner of an action proposed to them, live, and the proposer when it is accepted; read and unread are each person’s own', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url, 'Frailty MDT notifications', [TEST_TEAM_ID]);
    await readTheDemos(server, TOM.email, DEMO.member);
    const socket = openAppSocket(server.url, { cookie: await signIn(server.url, TOM.email) });
    expect(await handshake(socket)).toBe('connected');
    let rang = 0;
    socket.on('notifications:changed', () => rang++);

    const grace = await openBoard(server.url, boardId, DEMO.member);
    const action = grace.board.addAction(forTom('Medication review'), { by: GRACE });
    await expect.poll(() => rang, { timeout: 10_000 }).toBeGreaterThan(0);
    const tomsList = await notificationsOf(server, TOM.email);
    expect(tomsList.body.unread).toBe(1);
    expect(tomsList.body.items.filter((i) => i.boardId === boardId)).toEqual([
      expect.objectContaining({
        kind: 'action-proposed',
        text: 'Grace Okafor proposed an action to you',
        subject: 'Medication review',
        boardId,
        boardName: 'Frailty MDT notifications',
        recordType: 'actions',
        recordId: action.id,
        personInitials: 'ME',
        read: false,
      }),
    ]);
    // Grace is told nothing of her own doing.
    expect((await notificationsOf(server, DEMO.member)).body.items.filter((i) => !i.read)).toEqual([]);

    // Tom accepts: Grace is told.
    const tom = await openBoard(server.url, boardId, TOM.email);
    await expect.poll(() => tom.board.readActions().length).toBe(1);
    tom.board.updateAction(action.id, { status: 'accepted' }, { by: { id: TOM.id, name: TOM.name } });
    await expect
      .poll(async () =>
        (await notificationsOf(server, DEMO.member)).body.items.filter((i) => !i.read).map((i) => i.text),
      )
      .toEqual(['Dr Tom Reid accepted an action you proposed']);

    // Grace cannot mark Tom's read; Tom can, and his count falls to nothing.
    const tomsId = tomsList.body.items[0]!.id;
    const graceCookie = await signIn(server.url, DEMO.member);
    const tomCookie = await signIn(server.url, TOM.email);
    expect(
      (
        await api(server.url, 'POST', '/api/notifications/read', {
          cookie: graceCookie,
          body: { ids: [tomsId] },
        })
      ).status,
    ).toBe(204);
    expect(
      (await api<UnreadCount>(server.url, 'GET', '/api/notifications/unread', { cookie: tomCookie })).body
        .unread,
    ).toBe(1);
    expect(
      (await api(server.url, 'POST', '/api/notifications/read', { cookie: tomCookie, body: { all: true } }))
        .status,
    ).toBe(204);
    expect(
      (await api<UnreadCount>(server.url, 'GET', '/api/notifications/unread', { cookie: tomCookie })).body
        .unread,
    ).toBe(0);
    // Malformed requests get a clear refusal.
    const bad = await api(server.url, 'POST', '/api/notifications/read', {
      cookie: tomCookie,
      body: { ids: ['1; drop table notifications'] },
    });
    expect(bad.status).toBe(400);
    for (const [body, words] of [
      [{}, /Name the notifications to mark \(ids\), or mark them all/],
      [{ ids: [] }, /Name at least one notification to mark/],
      [{ ids: ['1'], all: true }, /but not both/],
      ['all', /Send which notifications to mark/],
    ] as const) {
      const refused = await api(server.url, 'POST', '/api/notifications/read', { cookie: tomCookie, body });
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toMatch(words);
    }
    expect(
      (
        await api(server.url, 'PUT', '/api/notifications/preferences', {
          cookie: tomCookie,
          body: { email: 'hourly' },
        })
      ).status,
    ).toBe(400);
    grace.destroy();
    tom.destroy();
  });

  it('tell whom a comment mentions and who follows its action or person; an edit tells only someone newly mentioned; a mention of someone outside the team reaches nobody, in the app or by email', async () => {
    const smtp = await startSmtpServer();
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url, 'Frailty MDT comments', [TEST_TEAM_ID]);
    const priya = await openBoard(server.url, boardId, PRIYA.email);
    const grace = await openBoard(server.url, boardId, DEMO.member);
    const tom = await openBoard(server.url, boardId, TOM.email);
    const TOMS = { id: TOM.id, name: TOM.name };
    const NINA = 'demo-nina-brooks';
    const action = priya.board.addAction(forTom('Confirm the medicines before respite'), { by: by() });
    await expect.poll(() => grace.board.readActions().length).toBe(1);
    const about = (email: string, kinds = ['mention', 'comment']) =>
      notificationsOf(server, email).then((list) =>
        list.body.items
          .filter((i) => i.boardId === boardId && kinds.includes(i.kind))
          .map((i) => `${i.kind} ${i.recordType} ${i.text}${i.subject ? `: ${i.subject}` : ''}`),
      );

    // Grace asks Priya, mentioning her (and Nina, who is in another team): Priya is mentioned, Tom
    // (the owner) is told of a comment on his action, Grace of nothing, Nina of nothing.
    const comment = grace.board.addComment(
      {
        subjectType: 'actions',
        subjectId: action.id,
        body: 'Respite booked for Thursday, @Priya Shah can you ask the GP to confirm meds? cc @Nina Brooks',
        mentions: [PRIYA.id, NINA],
      },
      { by: GRACE },
    );
    await expect
      .poll(() => about(PRIYA.email))
      .toEqual([
        'mention actions Grace Okafor mentioned you in a comment: Confirm the medicines before respite',
      ]);
    await expect
      .poll(() => about(TOM.email))
      .toEqual([
        'comment actions Grace Okafor commented on an action you own or follow: Confirm the medicines before respite',
      ]);
    expect(await about(DEMO.member)).toEqual([]);
    expect((await notificationsOf(server, DEMO.otherTeam)).body.items).toEqual([]);

    // Tom answers: Grace (who commented) and Priya (who proposed it) are told.
    tom.board.addComment(
      { subjectType: 'actions', subjectId: action.id, body: 'Done: meds reviewed this morning' },
      { by: TOMS },
    );
    await expect.poll(async () => (await about(DEMO.member)).length).toBe(1);
    expect(await about(DEMO.member)).toEqual([
      'comment actions Dr Tom Reid commented on an action you own or follow: Confirm the medicines before respite',
    ]);
    await expect.poll(async () => (await about(PRIYA.email)).length).toBe(2);

    // Grace edits her comment to mention Tom too: Tom is mentioned; Priya is not told again.
    grace.board.editComment(
      comment.id,
      { body: `${comment.body} and @Dr Tom Reid`, mentions: [PRIYA.id, NINA, TOM.id] },
      { by: GRACE },
    );
    await expect.poll(async () => (await about(TOM.email, ['mention'])).length).toBe(1);
    expect(await about(PRIYA.email)).toHaveLength(2);

    // On a person: whoever commented there before follows them.
    tom.board.addComment(
      { subjectType: 'people', subjectId: 'person-1', body: 'Seen at home today' },
      { by: TOMS },
    );
    await expect.poll(() => grace.board.readComments().length).toBe(3);
    grace.board.addComment(
      { subjectType: 'people', subjectId: 'person-1', body: 'Daughter is staying this week' },
      { by: GRACE },
    );
    await expect
      .poll(() => about(TOM.email, ['comment']))
      .toContain('comment people Grace Okafor commented on someone whose comments you follow');

    // The morning digest: Priya's names the mention with a link to the action's comments; Nina gets none.
    await server.storage.flush();
    const { jobs, clock } = jobsOn(server, smtp.url);
    clock.now = new Date(2026, 11, 5, 7, 30);
    await jobs.tick();
    const toPriya = smtp.received.filter((email) => email.to.includes(PRIYA.email));
    expect(toPriya).toHaveLength(1);
    expect(toPriya[0]!.text).toContain(
      'Grace Okafor mentioned you in a comment for ME (Frailty MDT comments)',
    );
    expect(toPriya[0]!.text).toContain(
      `https://huddle.test/boards/${boardId}/actions?action=${action.id}&comments=open`,
    );
    expect(toPriya[0]!.text).not.toContain('Respite');
    const toTom = smtp.received.find((email) => email.to.includes(TOM.email))!;
    expect(toTom.text).toContain(`https://huddle.test/boards/${boardId}/people/person-1#comments`);
    expect(smtp.received.filter((email) => email.to.includes(DEMO.otherTeam))).toEqual([]);
    for (const client of [priya, grace, tom]) client.destroy();
  });

  it('over a controlled day, an overdue action brings its owner exactly one digest email, with initials and a link but no clinical detail, even with two servers', async () => {
    const smtp = await startSmtpServer();
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url, 'Frailty MDT digest', [TEST_TEAM_ID]);
    const priya = await openBoard(server.url, boardId, PRIYA.email);
    const title = 'Ring the district nurses about the pressure sore';
    priya.board.addAction({ ...anAction(title), dueDate: '2026-12-03' }, { by: by() });
    await expect
      .poll(
        async () =>
          (
            await server.database.db
              .selectFrom('projected_actions')
              .select('id')
              .where('board_id', '=', boardId)
              .execute()
          ).length,
      )
      .toBe(1);

    const first = jobsOn(server, smtp.url);
    const second = jobsOn(server, smtp.url);
    const toPriya = () =>
      smtp.received.filter((email) => email.to.includes('priya.shah@riverside-community.example'));
    // 06:00: the overdue reminder is in the app; the digest waits for 07:00.
    await first.jobs.tick();
    expect((await notificationsOf(server, PRIYA.email)).body.items.map((i) => i.kind)).toContain('overdue');
    expect(toPriya()).toEqual([]);
    // 07:30, on both servers at once, and again later: one email.
    first.clock.now = second.clock.now = new Date(2026, 11, 5, 7, 30);
    await Promise.all([first.jobs.tick(), second.jobs.tick()]);
    first.clock.now = new Date(2026, 11, 5, 16, 0);
    await first.jobs.tick();
    expect(toPriya()).toHaveLength(1);
    const [digest] = toPriya();
    expect(digest!.subject).toBe('Huddle: your daily summary');
    expect(digest!.text).toContain('An action of yours is overdue for ME (Frailty MDT digest)');
    expect(digest!.text).toContain(`https://huddle.test/boards/${boardId}/actions?action=`);
    expect(digest!.text).toMatch(/You have 1 overdue action/);
    expect(digest!.text).not.toContain('Margaret');
    expect(digest!.text).not.toContain('pressure sore');
    // The next morning she is told again that it is overdue, in that day's digest, but not notified twice.
    first.clock.now = new Date(2026, 11, 6, 7, 5);
    await first.jobs.tick();
    expect(toPriya()).toHaveLength(2);
    expect(toPriya()[1]!.text).not.toContain('An action of yours is overdue for');
    expect(
      (await notificationsOf(server, PRIYA.email)).body.items.filter((i) => i.kind === 'overdue'),
    ).toHaveLength(1);
    priya.destroy();
  });

  it('emails someone who asks for it soon after a notification, a few together; without SMTP_URL the email is in the outbox and the log', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url, 'Frailty MDT immediate', [TEST_TEAM_ID]);
    await readTheDemos(server, TOM.email);
    const tomCookie = await signIn(server.url, TOM.email);
    expect(
      (
        await api(server.url, 'PUT', '/api/notifications/preferences', {
          cookie: tomCookie,
          body: { email: 'immediate' },
        })
      ).body,
    ).toEqual({ email: 'immediate' });
    const grace = await openBoard(server.url, boardId, DEMO.member);
    grace.board.addAction(forTom('Medication review'), { by: GRACE });
    grace.board.addAction(forTom('Home visit'), { by: GRACE });
    await expect.poll(async () => (await notificationsOf(server, TOM.email)).body.unread).toBe(2);

    const { jobs, clock } = jobsOn(server, null);
    clock.now = new Date(Date.now() + 60_000);
    await jobs.tick();
    const outbox = () =>
      server.database.db.selectFrom('email_outbox').selectAll().where('to_address', '=', TOM.email).execute();
    expect(await outbox()).toEqual([]);
    clock.now = new Date(Date.now() + 5 * 60_000);
    await jobs.tick();
    const [email, ...more] = await outbox();
    expect(more).toEqual([]);
    // Both proposals, with the demo board's reminders for him, in one email.
    expect(email).toMatchObject({
      subject: expect.stringMatching(/^Huddle: \d+ new notifications$/),
      delivery: 'log',
    });
    expect(email!.sent_at).toBeInstanceOf(Date);
    expect(email!.body.match(/Grace Okafor proposed an action to you/g)).toHaveLength(2);
    expect(email!.body).not.toContain('Medication review');
    grace.destroy();
  });

  it('has something to show on a demo’s first start: proposals waiting in their owner’s My work and bell, and in the proposer’s list; comments, one mentioning the GP', async () => {
    const server = await startTestServer({ db: await testDb() });
    const lucy = 'lucy.evans@riverside-asc.example';
    const told = await notificationsOf(server, lucy);
    expect(told.body.items.map((i) => i.text).sort()).toEqual([
      'Grace Okafor commented on an action you own or follow',
      'Grace Okafor proposed an action to you',
      'Grace Okafor proposed an action to you',
    ]);
    expect(
      (await notificationsOf(server, TOM.email)).body.items.map((i) => `${i.text}: ${i.subject}`).sort(),
    ).toEqual([
      'Grace Okafor mentioned you in a comment: Arrange respite care while carer is in hospital',
      'Priya Shah commented on an action you own or follow: Medication review: stop night-time sedative',
    ]);
    // Each is dated when what it tells of happened, as the comment's thread says.
    const tom = await openBoard(server.url, 'riverside-frailty-mdt', TOM.email);
    const commentedAt = new Map(
      tom.board.readComments().flatMap((c) => (c.ok ? [[c.value.subjectId, c.value.createdAt]] : [])),
    );
    tom.destroy();
    const tomsItems = (await notificationsOf(server, TOM.email)).body.items;
    expect(tomsItems.map((i) => i.createdAt)).toEqual(tomsItems.map((i) => commentedAt.get(i.recordId)));
    expect(new Set(commentedAt.values()).size).toBe(commentedAt.size);

    const work = await api<MyWork>(server.url, 'GET', '/api/my-work', {
      cookie: await signIn(server.url, lucy),
    });
    expect(work.body.items.filter((i) => i.status === 'proposed')).toHaveLength(2);
    const grace = await api<MyWork>(server.url, 'GET', '/api/my-work', {
      cookie: await signIn(server.url, DEMO.member),
    });
    expect(grace.body.proposedByMe.map((i) => i.owner.name)).toEqual(['Lucy Evans', 'Lucy Evans']);
  });
});
