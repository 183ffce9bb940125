import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AuditEntry } from '#shared/audit';
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
        user: { id: 'demo-grace-okafor', name: 'Grace Okafor' },
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
    for (const entry of await trail())
      expect(entry.user).toEqual({ id: 'demo-grace-okafor', name: 'Grace Okafor' });
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
