import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '#shared/api';
import { MeetingDocument } from '#shared/board/meetings/meetingDoc';
import type { Meeting } from '#shared/board/meetings/meeting';
import type { MeetingProgress, MeetingSummary, PulseResults } from '#shared/meetings';
import type { BoardVersionSummary } from '#shared/versions';
import { DEMO, signedIn } from './support/auth.ts';
import { GRACE, by, newBoard, TEST_PERSON_ID, TEST_TEAM_ID } from './support/boards.ts';
import { connectClient } from './support/clients.ts';
import { watched } from './support/hostile.ts';
import { startTestServer } from './support/server.ts';
import { startSmtpServer } from './support/smtpServer.ts';
import { testDb } from './support/boards.ts';

const TOM = { id: 'demo-tom-reid', name: 'Dr Tom Reid' };
const meetingsOf = (boardId: string) => `/api/boards/${boardId}/meetings`;

/** A board with two people, its facilitator Tom and members Grace and Priya signed in, Grace and Priya connected. */
async function meetingBoard(smtpUrl: string | null = null) {
  const server = await startTestServer({ db: await testDb(), mail: { smtpUrl } });
  const boardId = await newBoard(server.url, 'Meeting board');
  const tom = await signedIn(server.url, DEMO.facilitator);
  const grace = await signedIn(server.url, DEMO.member);
  const priya = await signedIn(server.url, DEMO.otherMember);
  const graceClient = watched(connectClient(server.url, boardId, { cookie: grace.cookie }));
  const priyaClient = watched(connectClient(server.url, boardId, { cookie: priya.cookie }));
  await Promise.all([graceClient.synced(), priyaClient.synced()]);
  graceClient.board.addPerson(
    { name: 'Arthur Bell', risk: 'red', riskReason: 'Lives alone' },
    { by: GRACE, id: 'person-2' },
  );
  await expect.poll(() => priyaClient.board.readPeople().length).toBe(2);
  return { server, boardId, tom, grace, priya, graceClient, priyaClient };
}

describe('a board’s meeting, run by its chair through the server', () => {
  it('builds the agenda, follows the chair’s steps with the server’s clock, keeps outcomes and finishes with a version and a summary', async () => {
    const smtp = await startSmtpServer();
    const { server, boardId, tom, grace, priya, graceClient, priyaClient } = await meetingBoard(smtp.url);
    const prepared = await grace.post<Meeting>(meetingsOf(boardId), { series: ' Daily handover ' });
    expect(prepared.status).toBe(201);
    expect(prepared.body).toMatchObject({
      series: 'Daily handover',
      status: 'planned',
      preparedBy: 'Grace Okafor',
    });
    const meetingId = prepared.body.id;
    const onGrace = new MeetingDocument(graceClient.doc);
    await expect
      .poll(() => onGrace.items(meetingId).map((item) => item.personId))
      .toEqual(['person-2', TEST_PERSON_ID]);
    const [first, second] = onGrace.items(meetingId);

    // A second meeting while one is open is refused, and so is nonsense.
    expect((await tom.post<ApiError>(meetingsOf(boardId), { series: 'Weekly frailty MDT' })).status).toBe(
      409,
    );
    const bad = await tom.post<ApiError>(meetingsOf(boardId), { series: '', slotSeconds: 2 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/Name the meeting/);

    // Before the meeting, members mark people.
    onGrace.markItem(second!.id, 'discuss', { by: GRACE });

    // Only a facilitator starts; Tom is, and takes the chair.
    expect((await grace.post<ApiError>(`${meetingsOf(boardId)}/${meetingId}/start`)).status).toBe(403);
    const before = Date.now();
    const started = await tom.post<Meeting>(`${meetingsOf(boardId)}/${meetingId}/start`);
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: 'running', chairName: TOM.name, currentItemId: first!.id });
    expect(Date.parse(started.body.stepAt!)).toBeGreaterThanOrEqual(before - 1);
    const onPriya = new MeetingDocument(priyaClient.doc);
    await expect.poll(() => onPriya.meeting(meetingId).currentItemId).toBe(first!.id);

    // Only the chair steps; a browser cannot step by writing the meeting itself.
    expect(
      (await grace.post<ApiError>(`${meetingsOf(boardId)}/${meetingId}/step`, { itemId: second!.id })).status,
    ).toBe(403);
    graceClient.doc.transact(() => {
      const meeting = graceClient.doc.getMap('meetings').get(meetingId) as Y.Map<unknown>;
      meeting.set('chairId', GRACE.id);
      meeting.set('currentItemId', second!.id);
    });
    await expect.poll(() => graceClient.refusals.length).toBeGreaterThan(0);
    expect(graceClient.refusals[0]!.message).toMatch(/by the server when its chair asks/);
    await expect.poll(() => onGrace.meeting(meetingId).chairId).toBe(TOM.id);
    expect(priyaClient.wasSent(`"${GRACE.id}"`)).toBe(false);
    expect(onPriya.meeting(meetingId).currentItemId).toBe(first!.id);

    // Members write outcomes in their own name; joining is for oneself; only the chair marks others.
    onGrace.recordOutcome(
      first!.id,
      { outcomeCode: 'decision', outcomeText: 'Refer to falls clinic' },
      { by: GRACE },
    );
    onGrace.attend(
      meetingId,
      { userId: GRACE.id!, name: GRACE.name, profession: 'OT', organisationId: null, organisationName: null },
      'joined',
      { by: GRACE },
    );
    await expect.poll(() => onPriya.items(meetingId)[0]?.outcomeText).toBe('Refer to falls clinic');
    await expect.poll(() => onPriya.attendance(meetingId).map((a) => a.name)).toEqual(['Grace Okafor']);
    const refusedBefore = priyaClient.refusals.length;
    onPriya.attend(
      meetingId,
      { userId: TOM.id, name: TOM.name, profession: 'GP', organisationId: null, organisationName: null },
      'room',
      { by: by() },
    );
    await expect.poll(() => priyaClient.refusals.length).toBeGreaterThan(refusedBefore);
    expect(priyaClient.refusals.at(-1)!.message).toMatch(/Only the chair marks who is in the room/);

    const stepped = await tom.post<Meeting>(`${meetingsOf(boardId)}/${meetingId}/step`, {
      itemId: second!.id,
    });
    expect(stepped.status).toBe(200);
    await expect.poll(() => onGrace.meeting(meetingId).currentItemId).toBe(second!.id);
    expect(onGrace.items(meetingId)[0]!.secondsSpent).toBeGreaterThanOrEqual(0);
    expect(
      (await tom.post<ApiError>(`${meetingsOf(boardId)}/${meetingId}/step`, { itemId: 'nobody' })).status,
    ).toBe(404);

    // Tom hands the chair to Priya, who finishes: nobody is left to carry over but the reason is kept.
    expect(
      (await grace.post<ApiError>(`${meetingsOf(boardId)}/${meetingId}/chair`, { userId: GRACE.id })).status,
    ).toBe(403);
    const handed = await tom.post<Meeting>(`${meetingsOf(boardId)}/${meetingId}/chair`, {
      userId: 'demo-priya-shah',
    });
    expect(handed.body.chairName).toBe('Priya Shah');
    expect((await tom.post<ApiError>(`${meetingsOf(boardId)}/${meetingId}/finish`)).status).toBe(403);
    const finished = await priya.post<MeetingSummary>(`${meetingsOf(boardId)}/${meetingId}/finish`, {
      carryReason: 'Ran out of time',
    });
    expect(finished.status).toBe(200);
    const summary = finished.body;
    expect(summary).toMatchObject({
      series: 'Daily handover',
      boardName: 'Meeting board',
      chair: 'Priya Shah',
      attendance: [{ name: 'Grace Okafor', how: 'joined' }],
      figures: { people: 2, discussed: 2, carriedOver: 0 },
    });
    expect(summary.people[0]).toMatchObject({
      name: 'Arthur Bell',
      initials: 'A B',
      outcomeCode: 'decision',
      result: 'discussed',
    });
    expect(summary.absentOrganisations.length).toBeGreaterThan(0);
    expect(summary.versionId).not.toBeNull();
    const versions = await tom.get<BoardVersionSummary[]>(`/api/boards/${boardId}/versions`);
    expect(versions.body.find((v) => v.id === summary.versionId)?.label).toBe(summary.label);
    expect(summary.label).toMatch(/^Daily handover \d{1,2} [A-Z][a-z]{2} \d{4}$/);

    // Grace's organisation attended: its members on the board's team are told, by email at once,
    // with initials and a link, no names or outcomes; organisations that did not attend are not.
    const mailTo = (email: string) => smtp.received.filter((m) => m.to.includes(email));
    await expect.poll(() => mailTo(DEMO.member).length).toBe(1);
    await expect.poll(() => mailTo(DEMO.otherMember).length).toBe(1);
    const mail = mailTo(DEMO.member)[0]!;
    expect(mail.subject).toBe(`Huddle: summary of ${summary.label} (Meeting board)`);
    expect(mail.text).toContain(`/boards/${boardId}/meetings/${meetingId}`);
    expect(mail.text).toMatch(/- A B: discussed/);
    expect(mail.text).not.toMatch(/Arthur|Margaret|falls clinic/);
    expect(mailTo(DEMO.facilitator)).toEqual([]);
    const bell = await grace.get<{ items: { kind: string; text: string }[] }>('/api/notifications');
    expect(bell.body.items[0]).toMatchObject({ kind: 'meeting-summary' });

    // Finished: the summary is kept; finishing again, stepping and changing outcomes are refused.
    expect((await priya.post<ApiError>(`${meetingsOf(boardId)}/${meetingId}/finish`)).status).toBe(409);
    await expect.poll(() => smtp.received.length).toBe(2);
    const kept = await grace.get<MeetingSummary>(`${meetingsOf(boardId)}/${meetingId}/summary`);
    expect(kept.body).toEqual(summary);
    // A summary lost (the database was away as the meeting finished) is built again when asked for,
    // with the version already saved, and nobody is told twice.
    await server.database.db.deleteFrom('meeting_summaries').where('meeting_id', '=', meetingId).execute();
    const rebuilt = await grace.get<MeetingSummary>(`${meetingsOf(boardId)}/${meetingId}/summary`);
    expect(rebuilt.body).toEqual(summary);
    const versionsNow = await tom.get<BoardVersionSummary[]>(`/api/boards/${boardId}/versions`);
    expect(versionsNow.body.filter((v) => v.label === summary.label)).toHaveLength(1);
    const outbox = await server.database.db
      .selectFrom('email_outbox')
      .select('to_address')
      .where('dedupe_key', 'like', `meeting-summary:${boardId}:%`)
      .execute();
    expect(outbox).toHaveLength(2);
    const list = await grace.get<{ meetingId: string; people: number }[]>(meetingsOf(boardId));
    expect(list.body).toEqual([expect.objectContaining({ meetingId, people: 2, attended: 1 })]);
    await expect.poll(() => onGrace.meeting(meetingId).status).toBe('finished');
    const refusedNow = graceClient.refusals.length;
    graceClient.doc.transact(() => {
      (graceClient.doc.getMap('meetingItems').get(first!.id) as Y.Map<unknown>).set(
        'outcomeText',
        'Rewritten later',
      );
    });
    await expect.poll(() => graceClient.refusals.length).toBeGreaterThan(refusedNow);
    expect(graceClient.refusals.at(-1)!.message).toMatch(/signed amendment/);
    onGrace.amend(meetingId, first!.id, 'GP told by phone', { by: GRACE });
    await expect
      .poll(() => priyaClient.board.readAmendments().map((a) => (a.ok ? a.value.text : '')))
      .toEqual(['GP told by phone']);
    await server.close();
  });

  it('refuses requests about meetings to those who may not run them, with a clear reason', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url, 'Viewed board');
    const viewer = await signedIn(server.url, DEMO.viewer);
    const outsider = await signedIn(server.url, DEMO.otherTeam);
    const refused = await viewer.post<ApiError>(meetingsOf(boardId), { series: 'Daily handover' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/view this board’s meetings but not run them/);
    expect((await outsider.get<ApiError>(meetingsOf(boardId))).status).toBe(403);
    expect((await viewer.get(`${meetingsOf(boardId)}/no-such-meeting/summary`)).status).toBe(404);
    expect((await viewer.get(`${meetingsOf(boardId)}/bad%20id/summary`)).status).toBe(404);
    const clock = await viewer.get<{ now: number }>('/api/clock');
    expect(Math.abs(clock.body.now - Date.now())).toBeLessThan(5_000);
    await server.close();
  });

  it('takes the pulse from those who attended, once each, anonymously, and shows it only once four have answered', async () => {
    const server = await startTestServer({ db: await testDb() });
    const boardId = await newBoard(server.url, 'Pulse board');
    const tom = await signedIn(server.url, DEMO.facilitator);
    const prepared = await tom.post<Meeting>(meetingsOf(boardId), { series: 'Weekly frailty MDT' });
    const meetingId = prepared.body.id;
    expect((await tom.post(`${meetingsOf(boardId)}/${meetingId}/start`)).status).toBe(200);
    // The chair marks who is in the room.
    const chair = connectClient(server.url, boardId, { cookie: tom.cookie });
    await chair.synced();
    const onChair = new MeetingDocument(chair.doc);
    await expect.poll(() => onChair.meeting(meetingId).status).toBe('running');
    const attendees = [
      { email: DEMO.facilitator, id: 'demo-tom-reid' },
      { email: DEMO.member, id: 'demo-grace-okafor' },
      { email: DEMO.otherMember, id: 'demo-priya-shah' },
      { email: 'lucy.evans@riverside-asc.example', id: 'demo-lucy-evans' },
    ];
    for (const person of attendees)
      onChair.attend(
        meetingId,
        { userId: person.id, name: person.id, profession: '', organisationId: null, organisationName: null },
        'room',
        { by: TOM },
      );
    // The server has them all before the chair finishes.
    await expect
      .poll(async () => {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, (await server.storage.current(boardId))!);
        return new MeetingDocument(doc).attendance(meetingId).length;
      })
      .toBe(4);
    const finished = await tom.post<MeetingSummary>(`${meetingsOf(boardId)}/${meetingId}/finish`);
    expect(finished.body.attendance.map((a) => a.userId).sort()).toEqual(attendees.map((a) => a.id).sort());

    const pulseOf = `${meetingsOf(boardId)}/${meetingId}/pulse`;
    const callers = await Promise.all(attendees.map((a) => signedIn(server.url, a.email)));
    const first = await callers[0]!.post<PulseResults>(pulseOf, {
      scores: [5, 4, 4, 3],
      comment: 'Good to hear from social care',
    });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      answered: 1,
      shown: false,
      averages: null,
      comments: null,
      canAnswer: false,
      youAnswered: true,
    });
    expect((await callers[0]!.post<ApiError>(pulseOf, { scores: [1, 1, 1, 1] })).status).toBe(409);
    const bad = await callers[1]!.post<ApiError>(pulseOf, { scores: [6, 4, 4] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/Answer/);
    const viewer = await signedIn(server.url, DEMO.viewer);
    expect((await viewer.post<ApiError>(pulseOf, { scores: [3, 3, 3, 3] })).status).toBe(403);
    expect((await viewer.get<PulseResults>(pulseOf)).body).toMatchObject({
      answered: 1,
      shown: false,
      canAnswer: false,
    });
    await callers[1]!.post(pulseOf, { scores: [4, 4, 5, 3] });
    const third = await callers[2]!.post<PulseResults>(pulseOf, { scores: [3, 2, 4, 3], comment: '  ' });
    expect(third.body).toMatchObject({ answered: 3, shown: false, averages: null });
    const fourth = await callers[3]!.post<PulseResults>(pulseOf, {
      scores: [4, 4, 3, 3],
      comment: 'Ran over',
    });
    expect(fourth.body).toMatchObject({
      answered: 4,
      shown: true,
      averages: [4, 3.5, 4, 3],
      comments: ['Good to hear from social care', 'Ran over'],
    });
    // Nothing stored ties an answer to who gave it.
    const columns = await server.database.db
      .selectFrom('meeting_pulse_answers')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .execute();
    expect(Object.keys(columns[0]!).sort()).toEqual(['board_id', 'comment', 'id', 'meeting_id', 'scores']);
    // The progress page shows the team's week: the meeting, its people and its pulse.
    const manager = await signedIn(server.url, DEMO.manager);
    const progress = await manager.get<MeetingProgress>('/api/progress/meetings');
    expect(progress.status).toBe(200);
    const team = progress.body.teams.find((t) => t.id === TEST_TEAM_ID)!;
    const week = team.weeks.find((w) => w.meetings > 0)!;
    expect(week).toMatchObject({
      meetings: 1,
      people: 1,
      discussed: 1,
      pulseAnswers: 4,
      pulse: [4, 3.5, 4, 3],
    });
    expect((await callers[1]!.get('/api/progress/meetings')).status).toBe(403);
    expect((await manager.get<ApiError>('/api/progress/meetings?from=2026-13-01')).status).toBe(400);
    chair.destroy();
    await server.close();
  });
});
