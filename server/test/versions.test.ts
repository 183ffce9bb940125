import { get, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ApiError } from '#shared/api';
import type { AuditEntry } from '#shared/audit';
import { BoardDocument } from '#shared/board/boardDoc';
import { validRecords } from '#shared/board/record';
import type { BoardVersionSummary, VersionChanges } from '#shared/versions';
import { BoardVersions } from '../src/versions/boardVersions.ts';
import { DEMO_BOARD_ID, DEMO_DISCHARGE_BOARD_ID } from '../src/seed.ts';
import { DEMO, signedIn } from './support/auth.ts';
import { by, testDb } from './support/boards.ts';
import { connectClient, type TestClient } from './support/clients.ts';
import { startTestServer } from './support/server.ts';
import type { HuddleServer } from '../src/server.ts';

const versionsOf = (boardId: string) => `/api/boards/${boardId}/versions`;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A version's document, as a browser opening it reads it. */
async function versionBoard(url: string, cookie: string, boardId: string, versionId: string) {
  const response = await fetch(`${url}${versionsOf(boardId)}/${versionId}/state`, { headers: { cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/octet-stream');
  const doc = new Y.Doc();
  Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
  return new BoardDocument(doc);
}

const personName = (board: BoardDocument, id: string) => {
  const read = board.readPeople().find((p) => p.id === id);
  return read?.ok ? read.value.name : undefined;
};

/** Waits until the server holds the person's name as given (a change sent is on its way until then). */
async function serverHas(server: HuddleServer, personId: string, name: string): Promise<void> {
  await expect
    .poll(async () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, (await server.storage.current(DEMO_BOARD_ID))!);
      return personName(new BoardDocument(doc), personId);
    })
    .toBe(name);
  await server.storage.flush();
}

/** The board's labelled versions' labels, newest first (the demo board also has the one saved when it was set up). */
const labels = (versions: BoardVersionSummary[]) =>
  versions.filter((v) => v.kind === 'labelled').map((v) => v.label);

describe('versions of a board', () => {
  it('saves the board as it is with a label, lists it with who saved it, and reads it back as it was', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const tom = await signedIn(server.url, DEMO.facilitator);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: tom.cookie });
    await client.synced();
    const before = personName(client.board, 'person-1');
    client.board.updatePerson(
      'person-1',
      { name: 'Margaret Ellis-Brown' },
      { by: by('Dr Tom Reid', 'demo-tom-reid') },
    );
    await serverHas(server, 'person-1', 'Margaret Ellis-Brown');

    const saved = await grace.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), {
      label: '  Handover 1 Dec ',
    });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({
      kind: 'labelled',
      label: 'Handover 1 Dec',
      savedBy: { name: 'Grace Okafor' },
    });
    // Whose changes it holds: Tom's, just made (the demo's own are the server's, by nobody).
    expect(saved.body.authors).toContain('Dr Tom Reid');
    expect(Date.now() - Date.parse(saved.body.savedAt)).toBeLessThan(60_000);

    // Changed after the version: the version still reads as it was, the board as it is.
    client.board.updatePerson(
      'person-1',
      { name: 'Margaret Brown' },
      { by: by('Dr Tom Reid', 'demo-tom-reid') },
    );
    await serverHas(server, 'person-1', 'Margaret Brown');
    const viewer = await signedIn(server.url, DEMO.viewer);
    const listed = await viewer.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID));
    expect(listed.status).toBe(200);
    expect(labels(listed.body)).toEqual(['Handover 1 Dec']);
    const past = await versionBoard(server.url, viewer.cookie, DEMO_BOARD_ID, saved.body.id);
    expect(personName(past, 'person-1')).toBe('Margaret Ellis-Brown');
    expect(before).not.toBe('Margaret Ellis-Brown');
    expect(past.readActions().length).toBe(client.board.readActions().length);

    // A second version names only those who changed the board since the first.
    const second = await tom.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), {
      label: 'After the ward round',
    });
    expect(second.body.authors).toEqual(['Dr Tom Reid']);
    expect(labels((await grace.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID))).body)).toEqual([
      'After the ward round',
      'Handover 1 Dec',
    ]);
    client.destroy();
  });

  it('sends a version’s document once to a browser that keeps it, gzipped, and checks access before saying it is unchanged', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const outsider = await signedIn(server.url, DEMO.otherTeam);
    const saved = await grace.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover' });
    const path = `${versionsOf(DEMO_BOARD_ID)}/${saved.body.id}/state`;
    /** The answer as sent, not decompressed. */
    const raw = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: IncomingHttpHeaders; bytes: Buffer }>((resolve, reject) => {
        get(new URL(path, server.url), { headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              headers: response.headers,
              bytes: Buffer.concat(chunks),
            }),
          );
        }).on('error', reject);
      });

    const plain = await raw({ cookie: grace.cookie, 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const tag = plain.headers.etag!;
    expect(tag).toMatch(/^W\/".+"$/);
    const zipped = await raw({ cookie: grace.cookie, 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.bytes.length).toBeLessThan(plain.bytes.length);
    expect(gunzipSync(zipped.bytes).equals(plain.bytes)).toBe(true);
    const stored = (await server.versions.read(DEMO_BOARD_ID, saved.body.id))!.state;
    expect(plain.bytes.equals(Buffer.from(stored))).toBe(true);

    // Asked again with the tag it was sent: unchanged, nothing sent. Another tag, or none: sent whole.
    const again = await raw({ cookie: grace.cookie, 'if-none-match': tag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect((await raw({ cookie: grace.cookie, 'if-none-match': `"other", ${tag}` })).status).toBe(304);
    expect((await raw({ cookie: grace.cookie, 'if-none-match': 'W/"1-0"' })).status).toBe(200);
    expect((await raw({ cookie: grace.cookie, 'if-none-match': 'x'.repeat(5000) })).status).toBe(200);
    // Someone without access to the board is refused, tag or not.
    expect((await raw({ cookie: outsider.cookie, 'if-none-match': tag })).status).toBe(403);
    expect((await raw({ 'if-none-match': tag })).status).toBe(401);
  });

  it('refuses what it should, with a clear message, and saves nothing', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const viewer = await signedIn(server.url, DEMO.viewer);
    const outsider = await signedIn(server.url, DEMO.otherTeam);
    const cases: [typeof grace, string, unknown, number, RegExp][] = [
      [viewer, versionsOf(DEMO_BOARD_ID), { label: 'Handover' }, 403, /view this board but not save/],
      [grace, versionsOf(DEMO_BOARD_ID), {}, 400, /Give the version a name/],
      [grace, versionsOf(DEMO_BOARD_ID), { label: '   ' }, 400, /Give the version a name/],
      [grace, versionsOf(DEMO_BOARD_ID), { label: 'x'.repeat(121) }, 400, /120 characters/],
      [grace, versionsOf(DEMO_BOARD_ID), { label: 'Handover\u0007' }, 400, /letters, numbers/],
      [grace, versionsOf(DEMO_BOARD_ID), { label: 'Handover\u0000' }, 400, /character/],
      [grace, versionsOf(DEMO_BOARD_ID), { label: ['Handover'] }, 400, /name/],
      [grace, versionsOf('no-such-board'), { label: 'Handover' }, 404, /board/],
      [grace, versionsOf("b'; drop table boards"), { label: 'Handover' }, 404, /board/],
    ];
    for (const [who, path, body, status, message] of cases) {
      const answer = await who.post<ApiError>(path, body);
      expect([path, JSON.stringify(body), answer.status]).toEqual([path, JSON.stringify(body), status]);
      expect(answer.body.error).toMatch(message);
    }
    expect((await fetch(`${server.url}${versionsOf(DEMO_BOARD_ID)}`)).status).toBe(401);
    // Someone with no access to the board cannot list or read its versions.
    expect((await outsider.get(versionsOf(DEMO_BOARD_ID))).status).toBe(403);
    expect((await outsider.post(versionsOf(DEMO_BOARD_ID), { label: 'Handover' })).status).toBe(403);

    const saved = await grace.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover' });
    for (const id of ['0', '-1', '1e3', '99999999', 'abc', '9'.repeat(40)]) {
      const response = await fetch(`${server.url}${versionsOf(DEMO_BOARD_ID)}/${id}/state`, {
        headers: { cookie: grace.cookie },
      });
      expect([id, response.status]).toEqual([id, 404]);
    }
    // A version of one board cannot be read through another.
    const other = await fetch(`${server.url}${versionsOf(DEMO_DISCHARGE_BOARD_ID)}/${saved.body.id}/state`, {
      headers: { cookie: (await signedIn(server.url, DEMO.admin)).cookie },
    });
    expect(other.status).toBe(404);
    expect(labels((await grace.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID))).body)).toEqual([
      'Handover',
    ]);

    // A browser saving versions in a loop is stopped at a day's worth, each a copy of the whole board.
    const state = (await server.versions.read(DEMO_BOARD_ID, saved.body.id))!.state;
    await server.database.db
      .insertInto('board_versions')
      .values(
        Array.from({ length: 49 }, (_, i) => ({
          board_id: DEMO_BOARD_ID,
          kind: 'labelled' as const,
          label: `Loop ${i}`,
          state,
          state_vector: Y.encodeStateVectorFromUpdate(state),
        })),
      )
      .execute();
    const refused = await grace.post<ApiError>(versionsOf(DEMO_BOARD_ID), { label: 'One more' });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatch(/50 versions saved in the last day/);
  });

  it('stores a version as what changed since a keyframe, reads it whole, and keeps the keyframe while it is needed', async () => {
    const server = await startTestServer({ db: await testDb() });
    const { db } = server.database;
    await db.deleteFrom('board_versions').execute();
    const tom = await signedIn(server.url, DEMO.facilitator);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: tom.cookie });
    await client.synced();
    const TOM = by('Dr Tom Reid', 'demo-tom-reid');
    const first = (await tom.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Monday' })).body;
    client.board.updatePerson('person-1', { name: 'Renamed on Tuesday' }, { by: TOM });
    await serverHas(server, 'person-1', 'Renamed on Tuesday');
    const second = (await tom.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Tuesday' }))
      .body;
    const stored = await db
      .selectFrom('board_versions')
      .select(['id', 'base_id', (eb) => eb.fn('octet_length', ['state']).as('bytes')])
      .orderBy('id')
      .execute();
    // Monday's is whole; Tuesday's only what changed since, a small part of it.
    expect(stored.map((row) => (row.base_id === null ? null : String(row.base_id)))).toEqual([
      null,
      first.id,
    ]);
    expect(Number(stored[1]!.bytes)).toBeLessThan(Number(stored[0]!.bytes) / 20);
    // Read back whole, each as it was.
    const tuesday = await versionBoard(server.url, tom.cookie, DEMO_BOARD_ID, second.id);
    expect(personName(tuesday, 'person-1')).toBe('Renamed on Tuesday');
    expect(tuesday.readActions().length).toBe(client.board.readActions().length);
    const monday = await versionBoard(server.url, tom.cookie, DEMO_BOARD_ID, first.id);
    expect(personName(monday, 'person-1')).not.toBe('Renamed on Tuesday');
    // The database will not remove a keyframe a version is stored against.
    await expect(db.deleteFrom('board_versions').where('id', '=', first.id).execute()).rejects.toThrow();
    client.destroy();
  });

  it('keeps versions across compaction and restarts, and saves the day’s version before folding history', async () => {
    const db = await testDb();
    let server = await startTestServer({ db });
    const tom = await signedIn(server.url, DEMO.facilitator);
    let client = connectClient(server.url, DEMO_BOARD_ID, { cookie: tom.cookie });
    await client.synced();
    const TOM = by('Dr Tom Reid', 'demo-tom-reid');
    client.board.updatePerson('person-2', { name: 'Before the version' }, { by: TOM });
    await serverHas(server, 'person-2', 'Before the version');
    const saved = await tom.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover 1 Dec' });
    // The database refuses to change a version, whatever the application does.
    await expect(
      server.database.db.updateTable('board_versions').set({ label: 'Rewritten' }).execute(),
    ).rejects.toThrow(/never changed/);

    for (let i = 0; i < 30; i += 1)
      client.board.updatePerson('person-2', { name: `Renamed ${i}` }, { by: TOM });
    await serverHas(server, 'person-2', 'Renamed 29');
    const before = (await tom.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID))).body;
    await server.storage.compact(DEMO_BOARD_ID);
    client.destroy();
    await server.close();

    server = await startTestServer({ db });
    const again = await signedIn(server.url, DEMO.facilitator);
    const past = await versionBoard(server.url, again.cookie, DEMO_BOARD_ID, saved.body.id);
    expect(personName(past, 'person-2')).toBe('Before the version');
    client = connectClient(server.url, DEMO_BOARD_ID, { cookie: again.cookie });
    await client.synced();
    expect(personName(client.board, 'person-2')).toBe('Renamed 29');
    // A version today already: compaction saved no automatic one.
    const listed = (await again.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID))).body;
    expect(listed).toEqual(before);
    expect(listed[0]).toEqual(saved.body);
    client.destroy();
  });

  it('saves an automatic version of each changed board once a day, before compaction too', async () => {
    const db = await testDb();
    const server = await startTestServer({ db });
    const tom = await signedIn(server.url, DEMO.facilitator);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: tom.cookie });
    await client.synced();
    const TOM = by('Dr Tom Reid', 'demo-tom-reid');
    // No version yet (the one saved when the demo was set up is removed, as the retention policy could).
    await server.database.db.deleteFrom('board_versions').execute();
    client.board.updatePerson('person-3', { name: 'Changed today' }, { by: TOM });
    await serverHas(server, 'person-3', 'Changed today');

    // The board changed and has no version: compaction saves today's first.
    await server.storage.compact(DEMO_BOARD_ID);
    let listed = (await tom.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID))).body;
    expect(listed.map((v) => [v.kind, v.label, v.savedBy])).toEqual([['automatic', null, null]]);
    expect(listed[0]!.authors).toContain('Dr Tom Reid');
    const first = await versionBoard(server.url, tom.cookie, DEMO_BOARD_ID, listed[0]!.id);
    expect(personName(first, 'person-3')).toBe('Changed today');

    // Tomorrow, at the daily hour: a version of the board changed since (and none of the unchanged one).
    client.board.updatePerson('person-3', { name: 'Changed again' }, { by: TOM });
    await serverHas(server, 'person-3', 'Changed again');
    const tomorrow = new Date(Date.now() + DAY_MS);
    tomorrow.setUTCHours(12);
    const versions = new BoardVersions(
      server.database.db,
      (id) => server.storage.current(id),
      server.log,
      undefined,
      () => tomorrow,
    );
    await versions.tick();
    await versions.tick();
    listed = (await tom.get<BoardVersionSummary[]>(versionsOf(DEMO_BOARD_ID))).body;
    expect(listed.map((v) => v.kind)).toEqual(['automatic', 'automatic']);
    expect(listed[0]!.authors).toEqual(['Dr Tom Reid']);
    const newest = await versionBoard(server.url, tom.cookie, DEMO_BOARD_ID, listed[0]!.id);
    expect(personName(newest, 'person-3')).toBe('Changed again');
    // The day after, nobody changed it: no version.
    const later = new Date(tomorrow.getTime() + DAY_MS);
    await new BoardVersions(
      server.database.db,
      (id) => server.storage.current(id),
      server.log,
      undefined,
      () => later,
    ).tick();
    expect(await versions.list(DEMO_BOARD_ID)).toHaveLength(2);
    client.destroy();
  });

  it('keeps every automatic version of the last 30 days, then one a week, and never a labelled one', async () => {
    const db = await testDb();
    const server = await startTestServer({ db });
    const now = new Date('2026-12-04T12:00:00Z');
    const state = Y.encodeStateAsUpdate(new Y.Doc());
    const row = (daysAgo: number, kind: 'automatic' | 'labelled') => ({
      board_id: DEMO_BOARD_ID,
      kind,
      label: kind === 'labelled' ? `Handover ${daysAgo} days ago` : null,
      state,
      state_vector: Y.encodeStateVectorFromUpdate(state),
      saved_at: new Date(now.getTime() - daysAgo * DAY_MS),
    });
    await server.database.db.deleteFrom('board_versions').execute();
    await server.database.db
      .insertInto('board_versions')
      .values([
        ...Array.from({ length: 500 }, (_, i) => row(i + 1, 'automatic')),
        row(45, 'labelled'),
        row(400, 'labelled'),
      ])
      .execute();
    const versions = new BoardVersions(server.database.db, async () => null, server.log, {
      dailyHour: 1,
      keepAllDays: 30,
      keepWeeklyDays: 365,
    });
    const removed = await versions.prune(now);
    const kept = await versions.list(DEMO_BOARD_ID);
    expect(removed + kept.length).toBe(502);
    const daysAgo = (v: BoardVersionSummary) => Math.round((now.getTime() - Date.parse(v.savedAt)) / DAY_MS);
    const automatic = kept.filter((v) => v.kind === 'automatic').map(daysAgo);
    // All of the last 30 days.
    expect(automatic.filter((d) => d <= 30)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // Then one a week (the last of each week) up to a year.
    const weekly = automatic.filter((d) => d > 30);
    expect(weekly.length).toBeGreaterThanOrEqual(47);
    expect(weekly.length).toBeLessThanOrEqual(49);
    for (let i = 1; i < weekly.length; i += 1) expect(weekly[i]! - weekly[i - 1]!).toBe(7);
    expect(Math.max(...weekly)).toBeLessThanOrEqual(365);
    // Labelled versions stay, however old.
    expect(kept.filter((v) => v.kind === 'labelled').map(daysAgo)).toEqual([45, 400]);
    // Pruning again removes nothing more.
    expect(await versions.prune(now)).toBe(0);

    // A keyframe stays while a version is stored against it (a labelled one, here); once the versions
    // stored against one have gone, it goes too.
    const keyframe = (daysAgo: number) =>
      server.database.db
        .insertInto('board_versions')
        .values(row(daysAgo, 'automatic'))
        .returning('id')
        .executeTakeFirstOrThrow();
    const needed = await keyframe(420.5);
    await server.database.db
      .insertInto('board_versions')
      .values({ ...row(420.4, 'labelled'), base_id: needed.id })
      .execute();
    const unneeded = await keyframe(421.5);
    const stored = await server.database.db
      .insertInto('board_versions')
      .values({ ...row(421.4, 'automatic'), base_id: unneeded.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    await versions.prune(now);
    const left = (await versions.list(DEMO_BOARD_ID)).map((v) => v.id);
    expect(left).toContain(String(needed.id));
    expect(left).not.toContain(String(stored.id));
    expect(left).not.toContain(String(unneeded.id));
  });

  it('says what changed since a version, by person, with who made each change and when', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const tom = await signedIn(server.url, DEMO.facilitator);
    const saved = (
      await grace.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover 1 Dec' })
    ).body;
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: tom.cookie });
    await client.synced();
    const TOM = by('Dr Tom Reid', 'demo-tom-reid');
    const name = (id: string) => personName(client.board, id)!;
    client.board.updatePerson('person-2', { name: `${name('person-2')} Jones` }, { by: TOM });
    const situation = client.board.sharedText('people', 'person-3', 'sbarSituation')!;
    const was = situation.toString();
    for (const character of ' Seen by GP.')
      client.doc.transact(() => situation.insert(situation.length, character));
    await serverHas(server, 'person-2', name('person-2'));
    await expect
      .poll(
        async () =>
          (await grace.get<VersionChanges>(`${versionsOf(DEMO_BOARD_ID)}/${saved.id}/changes`)).body.people
            .length,
      )
      .toBe(2);

    const changes = (
      await grace.get<VersionChanges>(`${versionsOf(DEMO_BOARD_ID)}/${saved.id}/changes?to=now`)
    ).body;
    expect(changes.from).toEqual(saved);
    expect(changes.to).toBeNull();
    const groups = new Map(changes.people.map((group) => [group.personId, group.changes]));
    expect(groups.get('person-2')?.map((c) => [c.kind, c.by])).toEqual([['person-details', 'Dr Tom Reid']]);
    const typed = groups.get('person-3')!;
    expect(typed.map((c) => [c.kind, c.summary, c.by])).toEqual([
      ['text', 'SBAR: Situation changed', 'Dr Tom Reid'],
    ]);
    expect(typed[0]!.text).toEqual({ label: 'SBAR: Situation', before: was, after: `${was} Seen by GP.` });
    expect(Date.parse(typed[0]!.at!)).toBeGreaterThan(Date.parse(saved.savedAt));

    // Between two versions: the same, fixed once the second is saved; and nothing after it.
    const second = (
      await tom.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover 2 Dec' })
    ).body;
    const between = (
      await grace.get<VersionChanges>(`${versionsOf(DEMO_BOARD_ID)}/${saved.id}/changes?to=${second.id}`)
    ).body;
    expect(between.to).toEqual(second);
    expect(between.people).toEqual(changes.people);
    expect(
      (await grace.get<VersionChanges>(`${versionsOf(DEMO_BOARD_ID)}/${second.id}/changes`)).body.people,
    ).toEqual([]);

    // A browser asking over and over, all at once: one comparison at a time for it, and a colleague's
    // own comparison answered all the while.
    const [burst, tomsOwn] = await Promise.all([
      Promise.all(
        Array.from({ length: 20 }, () =>
          grace.get<ApiError>(`${versionsOf(DEMO_BOARD_ID)}/${saved.id}/changes`),
        ),
      ),
      tom.get<VersionChanges>(`${versionsOf(DEMO_BOARD_ID)}/${saved.id}/changes`),
    ]);
    for (const answer of burst) {
      expect([200, 429]).toContain(answer.status);
      if (answer.status === 429) expect(answer.body.error).toMatch(/still working on your last request/);
    }
    expect(burst.some((answer) => answer.status === 200)).toBe(true);
    expect(tomsOwn.status).toBe(200);

    for (const [query, status] of [
      [`${saved.id}/changes?to=yesterday`, 400],
      [`${second.id}/changes?to=${saved.id}`, 400],
      [`${saved.id}/changes?to=99999999`, 404],
      [`99999999/changes`, 404],
    ] as const)
      expect([query, (await grace.get(`${versionsOf(DEMO_BOARD_ID)}/${query}`)).status]).toEqual([
        query,
        status,
      ]);
    client.destroy();
  });

  it('restores a board a faulty browser erased from its last version: every browser converges, one offline during it too', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const tom = await signedIn(server.url, DEMO.facilitator);
    const priya = await signedIn(server.url, DEMO.otherMember);
    const saved = (
      await grace.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover 1 Dec' })
    ).body;
    const [graceClient, faulty, offline] = [grace, tom, priya].map((who) =>
      connectClient(server.url, DEMO_BOARD_ID, { cookie: who.cookie }),
    ) as [TestClient, TestClient, TestClient];
    await Promise.all([graceClient.synced(), faulty.synced(), offline.synced()]);
    const notes = (client: TestClient) =>
      validRecords(client.board.readPeople())
        .map((p) => [p.id, p.whatMatters, p.sbarSituation, p.sbarRecommendation])
        .sort();
    const version = await versionBoard(server.url, grace.cookie, DEMO_BOARD_ID, saved.id);
    const expected = validRecords(version.readPeople())
      .map((p) => [p.id, p.whatMatters, p.sbarSituation, p.sbarRecommendation])
      .sort();
    expect(expected.some(([, matters]) => matters)).toBe(true);

    // Priya goes offline; Tom's browser, faulty, empties every note on the board.
    offline.provider.disconnect();
    faulty.doc.transact(() => {
      for (const person of faulty.board.readPeople())
        for (const field of [
          'whatMatters',
          'sbarSituation',
          'sbarBackground',
          'sbarAssessment',
          'sbarRecommendation',
        ]) {
          const text = faulty.board.sharedText('people', person.id, field);
          text?.delete(0, text.length);
        }
    });
    await expect.poll(() => notes(graceClient).every(([, a, b, c]) => !a && !b && !c)).toBe(true);

    // Grace restores the whole board from the version, in her browser, as a browser does.
    const restored = graceClient.board.restoreRecords(
      (['people', 'goals', 'actions'] as const).flatMap((collection) =>
        (collection === 'people'
          ? version.readPeople()
          : collection === 'goals'
            ? version.readGoals()
            : version.readActions()
        ).flatMap((r) =>
          r.ok ? [{ collection, id: r.id, values: r.value as Record<string, unknown> }] : [],
        ),
      ),
    );
    expect(restored.length).toBeGreaterThan(0);
    await expect.poll(() => notes(faulty)).toEqual(expected);
    expect(faulty.refusals).toEqual([]);
    expect(graceClient.refusals).toEqual([]);
    // Priya, back online, converges on the same board.
    offline.provider.connect();
    await expect.poll(() => notes(offline)).toEqual(expected);
    // And what the server stored is the restored board.
    await server.storage.flush();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await server.storage.current(DEMO_BOARD_ID))!);
    const storedNotes = validRecords(new BoardDocument(stored).readPeople())
      .map((p) => [p.id, p.whatMatters, p.sbarSituation, p.sbarRecommendation])
      .sort();
    expect(storedNotes).toEqual(expected);
  });

  it('notes a restore in the audit trail, and refuses a note it should not take', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const viewer = await signedIn(server.url, DEMO.viewer);
    const saved = (
      await grace.post<BoardVersionSummary>(versionsOf(DEMO_BOARD_ID), { label: 'Handover 1 Dec' })
    ).body;
    const restored = `${versionsOf(DEMO_BOARD_ID)}/${saved.id}/restored`;
    expect(
      (await grace.post(restored, { scope: 'record', recordType: 'actions', recordId: 'action-1' })).status,
    ).toBe(204);
    expect((await grace.post(restored, { scope: 'board' })).status).toBe(204);
    const trail = (
      await grace.get<AuditEntry[]>(
        `/api/boards/${DEMO_BOARD_ID}/history?recordType=actions&recordId=action-1`,
      )
    ).body;
    expect(trail[0]).toMatchObject({
      event: 'restore',
      user: { name: 'Grace Okafor' },
      after: { versionId: saved.id, version: 'Handover 1 Dec' },
    });
    const notes = await server.database.db
      .selectFrom('audit_events')
      .select(['record_type', 'record_id'])
      .where('event', '=', 'restore')
      .orderBy('id')
      .execute();
    expect(notes).toEqual([
      { record_type: 'actions', record_id: 'action-1' },
      { record_type: null, record_id: null },
    ]);
    for (const [who, path, body, status] of [
      [viewer, restored, { scope: 'board' }, 403],
      [grace, restored, { scope: 'everything' }, 400],
      [grace, restored, { scope: 'record', recordType: 'users', recordId: 'x' }, 400],
      [grace, restored, { scope: 'record', recordType: 'actions', recordId: 'x'.repeat(500) }, 400],
      [grace, `${versionsOf(DEMO_BOARD_ID)}/99999999/restored`, { scope: 'board' }, 404],
    ] as const)
      expect([JSON.stringify(body), (await who.post(path, body)).status]).toEqual([
        JSON.stringify(body),
        status,
      ]);
    expect(
      await server.database.db
        .selectFrom('audit_events')
        .select('id')
        .where('event', '=', 'restore')
        .execute(),
    ).toHaveLength(2);
  });
});
