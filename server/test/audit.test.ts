import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AuditEntry, TextAuthor } from '#shared/audit';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { DEMO, signedIn } from './support/auth.ts';
import { anAction, by, testDb } from './support/boards.ts';
import { connectClient } from './support/clients.ts';
import { startTestServer } from './support/server.ts';

const history = (recordId: string, recordType = 'actions') =>
  `/api/boards/${DEMO_BOARD_ID}/history?recordType=${recordType}&recordId=${recordId}`;

describe('audit trail', () => {
  it('records who changed which field of which record, from what to what, and shows it in the record’s history', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    await client.synced();
    const before = client.board.readActions().find((a) => a.id === 'action-1');
    expect(before?.ok).toBe(true);
    const oldTitle = before!.ok ? before!.value.title : '';

    client.board.updateAction(
      'action-1',
      { title: 'Home visit on Tuesday to fit a pendant alarm' },
      { by: by() },
    );
    client.board.updateAction('action-1', { status: 'in_progress' }, { by: by() });
    const added = client.board.addAction(anAction('Ask the pharmacist about the blister pack'), {
      by: by('Grace Okafor', 'demo-grace-okafor'),
    });

    // A viewer can read the trail too; it is newest first.
    const viewer = await signedIn(server.url, DEMO.viewer);
    await expect.poll(async () => (await viewer.get<AuditEntry[]>(history('action-1'))).body.length).toBe(2);
    const trail = (await viewer.get<AuditEntry[]>(history('action-1'))).body;
    const oldStatus = before!.ok ? before!.value.status : '';
    expect(trail.map((e) => [e.field, e.before, e.after])).toEqual([
      ['status', oldStatus, 'in_progress'],
      ['title', oldTitle, 'Home visit on Tuesday to fit a pendant alarm'],
    ]);
    for (const entry of trail) {
      expect(entry).toMatchObject({
        event: 'change',
        boardId: DEMO_BOARD_ID,
        user: { name: 'Grace Okafor' },
        recordType: 'actions',
        recordId: 'action-1',
      });
      expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
    }

    // A new record: every field it was created with, each from nothing.
    await expect
      .poll(async () => (await grace.get<AuditEntry[]>(history(added.id))).body.map((e) => e.field).sort())
      .toEqual(expect.arrayContaining(['title', 'status', 'dueDate', 'ownerName', 'createdBy']));
    const created = (await grace.get<AuditEntry[]>(history(added.id))).body;
    expect(created.every((e) => e.before === null)).toBe(true);
    expect(created.find((e) => e.field === 'title')?.after).toBe('Ask the pharmacist about the blister pack');
  });

  it('keeps a comment’s every version: written, edited (what it said before) and withdrawn, by whom and when', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    await client.synced();
    const GRACE = by('Grace Okafor', 'demo-grace-okafor');
    const comment = client.board.addComment(
      { subjectType: 'actions', subjectId: 'action-1', body: 'Pendant alarm fitted on Tuesday' },
      { by: GRACE },
    );
    client.board.editComment(
      comment.id,
      { body: 'Pendant alarm fitted on Wednesday', mentions: [] },
      { by: GRACE },
    );
    client.board.withdrawComment(comment.id, { by: GRACE });
    const viewer = await signedIn(server.url, DEMO.viewer);
    const trail = async () => (await viewer.get<AuditEntry[]>(history(comment.id, 'comments'))).body;
    await expect
      .poll(async () => (await trail()).some((e) => e.field === 'withdrawnAt' && e.after !== null))
      .toBe(true);
    const bodies = (await trail()).filter((e) => e.field === 'body').map((e) => [e.before, e.after]);
    expect(bodies).toEqual([
      ['Pendant alarm fitted on Tuesday', 'Pendant alarm fitted on Wednesday'],
      [null, 'Pendant alarm fitted on Tuesday'],
    ]);
    for (const entry of await trail()) expect(entry.user).toEqual({ name: 'Grace Okafor' });
    client.destroy();
  });

  it('records Y.Text fields as whole values before and after, and records removed records', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    await client.synced();
    // Written directly, as a future client might: a person with a "what matters" text typed together.
    const person = new Y.Map<unknown>();
    const matters = new Y.Text('Getting back to the allotment');
    client.doc.transact(() => {
      client.doc.getMap('people').set('person-x', person);
      person.set('name', 'Ivy Lambert');
      person.set('whatMatters', matters);
    });
    client.doc.transact(() => matters.insert(matters.length, ' by spring'));

    await expect
      .poll(async () => (await grace.get<AuditEntry[]>(history('person-x', 'people'))).body.length)
      .toBe(3);
    // Oldest first: created (two fields, in either order), then typed into.
    const trail = (await grace.get<AuditEntry[]>(history('person-x', 'people'))).body.reverse();
    const rows = trail.map((e) => [e.field, e.before, e.after]);
    expect(rows.slice(0, 2)).toEqual(
      expect.arrayContaining([
        ['name', null, 'Ivy Lambert'],
        ['whatMatters', null, 'Getting back to the allotment'],
      ]),
    );
    expect(rows[2]).toEqual([
      'whatMatters',
      'Getting back to the allotment',
      'Getting back to the allotment by spring',
    ]);

    // People are never removed; a pathway stage nobody is at can be, and its removal is recorded.
    const stage = new Y.Map<unknown>();
    client.doc.transact(() => {
      client.doc.getMap('pathwayStages').set('stage-x', stage);
      stage.set('name', 'Waiting for equipment');
      stage.set('order', 99);
    });
    client.doc.transact(() => client.doc.getMap('pathwayStages').delete('stage-x'));
    await expect
      .poll(async () => (await grace.get<AuditEntry[]>(history('stage-x', 'pathwayStages'))).body.length)
      .toBe(4);
    const stageRows = (await grace.get<AuditEntry[]>(history('stage-x', 'pathwayStages'))).body
      .reverse()
      .map((e) => [e.field, e.before, e.after]);
    expect(stageRows.slice(2)).toEqual(
      expect.arrayContaining([
        ['name', 'Waiting for equipment', null],
        ['order', 99, null],
      ]),
    );
  });

  it('keeps typing as bursts: one entry per person per field, storage that grows with the note, not its square', async () => {
    // Hundreds of keystrokes are sent in one go, far faster than anyone types: the allowance of
    // frames a second (its own test is in hostile/limits) is raised so they are taken in at once.
    const server = await startTestServer({ db: await testDb(), sync: { framesPerSecond: 10_000 } });
    const grace = await signedIn(server.url, DEMO.member);
    const tom = await signedIn(server.url, DEMO.facilitator);
    const graceClient = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    const tomClient = connectClient(server.url, DEMO_BOARD_ID, { cookie: tom.cookie });
    await Promise.all([graceClient.synced(), tomClient.synced()]);
    const textOf = (client: typeof graceClient, field: string) =>
      (client.doc.getMap('people').get('person-1') as Y.Map<unknown>).get(field) as Y.Text;
    /** Types `text` at the end of the field, one keystroke per change, as a browser sends it. */
    const type = (client: typeof graceClient, field: string, text: string) => {
      for (const character of text)
        client.doc.transact(() => textOf(client, field).insert(textOf(client, field).length, character));
    };
    const stored = async (field: string) => {
      await server.storage.flush();
      return server.database.db
        .selectFrom('audit_events')
        .select([
          sql<number>`count(*)`.as('rows'),
          sql<number>`coalesce(sum(octet_length(coalesce(before::text, '')) + octet_length(coalesce(after::text, '')) + octet_length(coalesce(splice::text, ''))), 0)`.as(
            'bytes',
          ),
        ])
        .where('record_id', '=', 'person-1')
        .where('field', '=', field)
        .executeTakeFirstOrThrow();
    };
    const sentence = 'Found on the floor by her carer at 7am, not hurt, says she feels dizzy.';
    const started = textOf(graceClient, 'sbarRecommendation').toString();

    type(graceClient, 'sbarRecommendation', ` ${sentence}`);
    await expect
      .poll(() => textOf(tomClient, 'sbarRecommendation').toString())
      .toBe(`${started} ${sentence}`);
    type(tomClient, 'sbarRecommendation', ' GP to visit.');
    await expect
      .poll(() => textOf(graceClient, 'sbarRecommendation').toString())
      .toBe(`${started} ${sentence} GP to visit.`);
    type(graceClient, 'sbarRecommendation', ' Agreed.');

    const viewer = await signedIn(server.url, DEMO.viewer);
    const trail = async () =>
      (await viewer.get<AuditEntry[]>(history('person-1', 'people'))).body.filter(
        (e) => e.field === 'sbarRecommendation',
      );
    await expect
      .poll(async () => (await trail())[0]?.after)
      .toBe(`${started} ${sentence} GP to visit. Agreed.`);
    // Newest first: Grace's second burst, Tom's, Grace's first; each from the text before it to after.
    expect((await trail()).map((e) => [e.user?.name, e.before, e.after])).toEqual([
      ['Grace Okafor', `${started} ${sentence} GP to visit.`, `${started} ${sentence} GP to visit. Agreed.`],
      ['Dr Tom Reid', `${started} ${sentence}`, `${started} ${sentence} GP to visit.`],
      ['Grace Okafor', started, `${started} ${sentence}`],
    ]);
    for (const entry of await trail()) {
      expect(entry.until).not.toBeNull();
      expect(Date.parse(entry.until!)).toBeGreaterThanOrEqual(Date.parse(entry.at));
    }
    // Every keystroke has its row, yet the 72 characters of the first burst are stored about once.
    const typed = sentence.length + 1 + ' GP to visit.'.length + ' Agreed.'.length;
    const rows = await stored('sbarRecommendation');
    expect(Number(rows.rows)).toBe(typed);

    // A note twice as long costs about twice as much, not four times.
    const note = 'Lives alone; daughter visits on Sundays. '.repeat(10);
    type(graceClient, 'sbarBackground', note);
    await expect.poll(async () => Number((await stored('sbarBackground')).rows)).toBe(note.length);
    const once = Number((await stored('sbarBackground')).bytes);
    type(tomClient, 'sbarBackground', note + note);
    await expect.poll(async () => Number((await stored('sbarBackground')).rows)).toBe(3 * note.length);
    const twice = Number((await stored('sbarBackground')).bytes) - once;
    // Tom's burst starts from Grace's text in full; the rest grows with what he typed.
    expect(twice - note.length * 2).toBeLessThan(2.5 * once);
    expect(once).toBeLessThan(note.length * 80);

    // Who last changed each text field, and when: Grace's second burst, to its last keystroke; Tom.
    const authors = (await viewer.get<TextAuthor[]>(`/api/boards/${DEMO_BOARD_ID}/text-authors`)).body;
    const author = (field: string) => authors.find((a) => a.recordId === 'person-1' && a.field === field);
    expect(author('sbarRecommendation')).toMatchObject({ recordType: 'people', by: 'Grace Okafor' });
    expect(author('sbarRecommendation')!.at).toBe((await trail())[0]!.until);
    expect(author('sbarBackground')).toMatchObject({ by: 'Dr Tom Reid' });
    // Only for those who can open the board.
    const outsider = await signedIn(server.url, DEMO.otherTeam);
    expect((await outsider.get(`/api/boards/${DEMO_BOARD_ID}/text-authors`)).status).toBe(403);
    expect((await fetch(`${server.url}/api/boards/${DEMO_BOARD_ID}/text-authors`)).status).toBe(401);

    // The export reads one row per burst, names and no user ids.
    const admin = await signedIn(server.url, DEMO.admin);
    const today = new Date().toISOString().slice(0, 10);
    const csv = (await admin.get<string>(`/api/admin/audit.csv?from=${today}&to=${today}`)).body;
    const lines = csv.split('\n').filter((line) => line.includes('sbarRecommendation'));
    expect(lines).toHaveLength(3);
    expect(csv.split('\n')[0]).toBe(
      'at,until,event,board_id,user_name,record_type,record_id,field,before,after',
    );
    expect(csv).not.toContain('demo-grace-okafor');
    expect(lines.at(-1)).toContain('Agreed.');
    graceClient.destroy();
    tomClient.destroy();
  });

  it('reads a burst whose keystroke is missing as far as it goes', async () => {
    const server = await startTestServer({ db: await testDb() });
    const row = {
      event: 'change' as const,
      board_id: DEMO_BOARD_ID,
      user_id: 'demo-grace-okafor',
      user_name: 'Grace Okafor',
      record_type: 'people',
      record_id: 'person-2',
      field: 'whatMatters',
      burst: 'burst-1',
    };
    await server.database.db
      .insertInto('audit_events')
      .values([
        { ...row, before: JSON.stringify(''), after: JSON.stringify('G'), splice: null },
        { ...row, before: null, after: null, splice: JSON.stringify({ at: 1, cut: 0, put: 'o', length: 2 }) },
        // "Go" then a keystroke that was not kept, then one that no longer fits.
        { ...row, before: null, after: null, splice: JSON.stringify({ at: 3, cut: 0, put: 'd', length: 4 }) },
      ])
      .execute();
    const grace = await signedIn(server.url, DEMO.member);
    const trail = (await grace.get<AuditEntry[]>(history('person-2', 'people'))).body.filter(
      (e) => e.field === 'whatMatters',
    );
    expect(trail.map((e) => [e.before, e.after])).toEqual([['', 'Go']]);
  });

  it('reads typing kept before bursts, a whole text per keystroke, as bursts too', async () => {
    const server = await startTestServer({ db: await testDb() });
    const at = (seconds: number) => new Date(Date.UTC(2001, 1, 3, 9, 0, seconds));
    const row = (seconds: number, who: 'grace' | 'tom', before: string, after: string) => ({
      at: at(seconds),
      event: 'change' as const,
      board_id: DEMO_BOARD_ID,
      user_id: who === 'grace' ? 'demo-grace-okafor' : 'demo-tom-reid',
      user_name: who === 'grace' ? 'Grace Okafor' : 'Dr Tom Reid',
      record_type: 'people',
      record_id: 'person-2',
      field: 'sbarSituation',
      before: JSON.stringify(before),
      after: JSON.stringify(after),
    });
    await server.database.db
      .insertInto('audit_events')
      .values([
        row(0, 'grace', '', 'F'),
        row(1, 'grace', 'F', 'Fe'),
        row(2, 'grace', 'Fe', 'Fel'),
        row(3, 'grace', 'Fel', 'Fell'),
        row(5, 'tom', 'Fell', 'Fell.'),
        row(6, 'grace', 'Fell.', 'Fell. A'),
        // After a pause of more than two minutes: another entry.
        row(200, 'grace', 'Fell. A', 'Fell. AB'),
      ])
      .execute();
    const grace = await signedIn(server.url, DEMO.member);
    const trail = (await grace.get<AuditEntry[]>(history('person-2', 'people'))).body.filter(
      (e) => e.field === 'sbarSituation' && e.at.startsWith('2001'),
    );
    expect(trail.map((e) => [e.user?.name, e.before, e.after, e.at, e.until])).toEqual([
      ['Grace Okafor', 'Fell. A', 'Fell. AB', at(200).toISOString(), null],
      ['Grace Okafor', 'Fell.', 'Fell. A', at(6).toISOString(), null],
      ['Dr Tom Reid', 'Fell', 'Fell.', at(5).toISOString(), null],
      ['Grace Okafor', '', 'Fell', at(0).toISOString(), at(3).toISOString()],
    ]);
    const admin = await signedIn(server.url, DEMO.admin);
    const csv = (await admin.get<string>('/api/admin/audit.csv?from=2001-02-03&to=2001-02-03')).body;
    expect(csv.split('\n').filter((line) => line.includes('sbarSituation'))).toHaveLength(4);
  });

  it('records each opening of a board, and nothing for a viewer’s refused edit', async () => {
    const server = await startTestServer({ db: await testDb() });
    const viewer = await signedIn(server.url, DEMO.viewer);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: viewer.cookie });
    await client.synced();
    client.board.updateAction('action-2', { title: 'Changed by a viewer' }, { by: by() });
    const member = connectClient(server.url, DEMO_BOARD_ID, {
      cookie: (await signedIn(server.url, DEMO.member)).cookie,
    });
    await member.synced();
    await server.storage.flush();

    const { db } = server.database;
    await expect
      .poll(() =>
        db
          .selectFrom('audit_events')
          .select(['event', 'user_name', 'record_id'])
          .where('event', '=', 'open')
          .execute(),
      )
      .toEqual(
        expect.arrayContaining([
          { event: 'open', user_name: 'Helen Ward', record_id: null },
          { event: 'open', user_name: 'Grace Okafor', record_id: null },
        ]),
      );
    expect((await viewer.get<AuditEntry[]>(history('action-2'))).body).toEqual([]);
  });

  it('cannot be edited or deleted, even by a query that tries', async () => {
    const server = await startTestServer({ db: await testDb() });
    const grace = await signedIn(server.url, DEMO.member);
    const client = connectClient(server.url, DEMO_BOARD_ID, { cookie: grace.cookie });
    await client.synced();
    client.board.updateAction('action-3', { title: 'Respite care booked' }, { by: by() });
    await expect.poll(async () => (await grace.get<AuditEntry[]>(history('action-3'))).body.length).toBe(1);

    const { db } = server.database;
    await expect(db.updateTable('audit_events').set({ user_name: 'Someone else' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_events`.execute(db)).rejects.toThrow(/append-only/);
    const trail = (await grace.get<AuditEntry[]>(history('action-3'))).body;
    expect(trail.map((e) => [e.user?.name, e.after])).toEqual([['Grace Okafor', 'Respite care booked']]);

    // And the API offers no way to change it.
    for (const method of ['DELETE', 'PUT', 'PATCH', 'POST'] as const) {
      const admin = await signedIn(server.url, DEMO.admin);
      const call = { DELETE: admin.delete, PUT: admin.put, PATCH: admin.patch, POST: admin.post }[method];
      expect([method, (await call(history('action-3'))).status]).toEqual([method, 404]);
    }
  });
});
