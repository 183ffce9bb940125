import { describe, expect, it, onTestFinished } from 'vitest';
import { openDatabase } from '../src/db/connect.ts';
import { createLogger } from '../src/log.ts';
import { DEMO, signIn } from './support/auth.ts';
import { connectClient, docContent } from './support/clients.ts';
import { freshProjection, storedDocument, storedProjection } from './support/projection.ts';
import { GRACE, actionTitles, anAction, by, memberCookie, newBoard, testDb } from './support/boards.ts';
import { spawnServer } from './support/server.ts';

/** The end of what a server process printed, for the message of a failed expectation. */
const lastLines = (server: { output: readonly string[] }) => server.output.slice(-15).join('\n');

describe('server process killed with SIGKILL', () => {
  it('an edit made just before the kill reaches the restarted server when its client reconnects', async () => {
    const db = await testDb();
    const env = { DATABASE_URL: db.databaseUrl, DATA_DIR: db.dataDir ?? undefined };
    // A long group-commit window: the edit is surely unwritten when the process dies.
    const first = await spawnServer({ ...env, STORAGE_FLUSH_INTERVAL_MS: '60000' });
    const boardId = await newBoard(first.url);
    const nurse = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    const watcher = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    await Promise.all([nurse.synced(), watcher.synced()]);
    nurse.board.addAction(anAction('Made just before the crash'), { by: by('Nurse') });
    await expect.poll(() => actionTitles(watcher)).toEqual(['Made just before the crash']);
    watcher.destroy();

    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const second = await spawnServer({ ...env, PORT: String(first.port) });

    // The nurse's browser reconnects by itself; sync hands its edit to the new server.
    const reader = connectClient(second.url, boardId, { cookie: await memberCookie(second.url) });
    await reader.synced();
    await expect
      .poll(() => actionTitles(reader), { timeout: 15_000 })
      .toEqual(['Made just before the crash']);

    // And it is stored: with the nurse gone, a third server still has it after a clean stop.
    nurse.destroy();
    reader.destroy();
    expect(await second.stop('SIGTERM'), lastLines(second)).toBe(0);
    const third = await spawnServer(env);
    const later = connectClient(third.url, boardId, { cookie: await memberCookie(third.url) });
    await later.synced();
    expect(actionTitles(later)).toEqual(['Made just before the crash']);
  }, 90_000);

  it('a colleague’s edits the crash lost come back from her own browser, not from another’s, and nothing is refused', async () => {
    const db = await testDb();
    const env = { DATABASE_URL: db.databaseUrl, DATA_DIR: db.dataDir ?? undefined };
    const first = await spawnServer(env);
    const boardId = await newBoard(first.url);
    const priya = connectClient(first.url, boardId, { cookie: await memberCookie(first.url) });
    const grace = connectClient(first.url, boardId, { cookie: await signIn(first.url, DEMO.member) });
    await Promise.all([priya.synced(), grace.synced()]);
    // Priya agrees an action for Grace, and it is stored.
    const action = priya.board.addAction(
      { ...anAction('Book the respite stay'), ownerId: GRACE.id!, ownerName: GRACE.name },
      { by: by() },
    );
    await expect.poll(() => actionTitles(grace)).toEqual(['Book the respite stay']);
    expect(await first.stop('SIGTERM'), lastLines(first)).toBe(0);
    const second = await spawnServer({
      ...env,
      PORT: String(first.port),
      STORAGE_FLUSH_INTERVAL_MS: '60000',
    });
    await Promise.all([priya.synced(), grace.synced()]);

    // Priya renames it; Grace takes it on and renames it again; none of that is stored yet.
    priya.board.updateAction(action.id, { title: 'Book the respite stay at Beech House' }, { by: by() });
    await expect.poll(() => actionTitles(grace)).toEqual(['Book the respite stay at Beech House']);
    grace.board.updateAction(
      action.id,
      { status: 'accepted', title: 'Book Beech House for Thursday' },
      { by: GRACE },
    );
    await expect.poll(() => actionTitles(priya)).toEqual(['Book Beech House for Thursday']);
    // Grace adds one of her own, and Priya renames it: Grace's browser no longer holds the first title.
    const commode = grace.board.addAction(
      { ...anAction('Order a commode'), ownerId: GRACE.id!, ownerName: GRACE.name },
      { by: GRACE },
    );
    await expect.poll(() => actionTitles(priya)).toContain('Order a commode');
    priya.board.updateAction(commode.id, { title: 'Order a commode and a raised toilet seat' }, { by: by() });
    await expect.poll(() => actionTitles(grace)).toContain('Order a commode and a raised toilet seat');
    expect(await second.stop('SIGKILL')).toBe('SIGKILL');

    // Grace's browser reconnects first. It holds Priya's rename too, but only Priya's browser may hand
    // that back; the title Priya's rename replaced is not taken away meanwhile.
    priya.provider.disconnect();
    const third = await spawnServer({ ...env, PORT: String(first.port) });
    await grace.synced();
    const watcher = connectClient(third.url, boardId, { cookie: await signIn(third.url, DEMO.facilitator) });
    await watcher.synced();
    expect(watcher.board.readActions().find((r) => r.id === action.id)).toMatchObject({
      ok: true,
      value: { title: 'Book the respite stay' },
    });
    priya.provider.connect();
    await expect
      .poll(() => watcher.board.readActions().find((r) => r.id === action.id), { timeout: 15_000 })
      .toMatchObject({ ok: true, value: { title: 'Book Beech House for Thursday', status: 'accepted' } });
    await expect
      .poll(() => watcher.board.readActions().find((r) => r.id === commode.id))
      .toMatchObject({ ok: true, value: { title: 'Order a commode and a raised toilet seat' } });
    expect([...priya.refusals, ...grace.refusals]).toEqual([]);

    priya.destroy();
    grace.destroy();
    watcher.destroy();
    expect(await third.stop('SIGTERM'), lastLines(third)).toBe(0);
    const fourth = await spawnServer(env);
    const later = connectClient(fourth.url, boardId, { cookie: await memberCookie(fourth.url) });
    await later.synced();
    expect(later.board.readActions().find((r) => r.id === action.id)).toMatchObject({
      ok: true,
      value: { title: 'Book Beech House for Thursday', status: 'accepted', createdById: 'demo-priya-shah' },
    });
    expect(later.board.readActions().find((r) => r.id === commode.id)).toMatchObject({
      ok: true,
      value: { title: 'Order a commode and a raised toilet seat', createdById: GRACE.id },
    });
  }, 120_000);

  it('after SIGKILL cycles mid-edit, every board’s projection equals a fresh read of its stored document', async () => {
    const db = await testDb();
    const env = { DATABASE_URL: db.databaseUrl, DATA_DIR: db.dataDir ?? undefined };
    // A group-commit window long enough that each kill finds some edits unwritten.
    const slow = { ...env, STORAGE_FLUSH_INTERVAL_MS: '400' };
    let server = await spawnServer(slow);
    const port = String(server.port);
    const boardId = await newBoard(server.url);
    const priya = connectClient(server.url, boardId, { cookie: await memberCookie(server.url) });
    const grace = connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.member) });
    await Promise.all([priya.synced(), grace.synced()]);

    const made: string[] = [];
    for (let cycle = 0; cycle < 3; cycle++) {
      // Priya proposes actions to Grace; Grace comments on them and accepts or completes the ones she
      // has; some of it is stored before the kill, some is not.
      for (let i = 0; i < 5; i++) {
        const action = priya.board.addAction(
          { ...anAction(`Cycle ${cycle}, action ${i}`), ownerId: GRACE.id!, ownerName: GRACE.name },
          { by: by() },
        );
        made.push(action.id);
        // Grace asks about it on its thread, and edits what she asked.
        const asked = grace.board.readActions().find((read) => read.ok && read.value.status === 'proposed');
        if (asked) {
          const comment = grace.board.addComment(
            {
              subjectType: 'actions',
              subjectId: asked.id,
              body: `Can this wait until ${cycle + 2} December?`,
            },
            { by: GRACE },
          );
          grace.board.editComment(
            comment.id,
            { body: `Can this wait until ${cycle + 3} December?`, mentions: [] },
            { by: GRACE },
          );
        }
        for (const read of grace.board.readActions()) {
          if (!read.ok || read.value.status === 'done') continue;
          const next = read.value.status === 'proposed' ? 'accepted' : 'done';
          grace.board.updateAction(read.id, { status: next }, { by: GRACE });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 60));
      }
      expect(await server.stop('SIGKILL')).toBe('SIGKILL');
      server = await spawnServer({ ...slow, PORT: port });
      // Both browsers reconnect by themselves and hand back what the kill lost.
      const watcher = connectClient(server.url, boardId, {
        cookie: await signIn(server.url, DEMO.facilitator),
      });
      await watcher.synced();
      await expect.poll(() => watcher.board.readActions().length, { timeout: 15_000 }).toBe(made.length);
      watcher.destroy();
    }
    // Everything the browsers hold reaches the server, and is stored on a clean stop.
    const content = () => JSON.stringify(docContent(priya.doc));
    await expect
      .poll(() => JSON.stringify(docContent(grace.doc)) === content(), { timeout: 15_000 })
      .toBe(true);
    const last = connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.facilitator) });
    await last.synced();
    await expect
      .poll(() => JSON.stringify(docContent(last.doc)) === content(), { timeout: 15_000 })
      .toBe(true);
    expect(
      last.board.readComments().filter((c) => c.ok && c.value.edits.length === 1).length,
    ).toBeGreaterThan(5);
    priya.destroy();
    grace.destroy();
    last.destroy();
    expect(await server.stop('SIGTERM'), lastLines(server)).toBe(0);

    const direct = await openDatabase({
      databaseUrl: db.databaseUrl,
      dataDir: db.dataDir,
      log: createLogger('silent'),
    });
    onTestFinished(() => direct.close());
    const boards = await direct.db.selectFrom('boards').select('id').execute();
    for (const { id } of boards) {
      expect(await storedProjection(direct.db, id), id).toEqual(
        freshProjection(id, await storedDocument(direct.db, id)),
      );
    }
    const actions = await direct.db
      .selectFrom('projected_actions')
      .select(['id', 'status'])
      .where('board_id', '=', boardId)
      .execute();
    expect(actions.map((a) => a.id).sort()).toEqual([...made].sort());
    expect(actions.some((a) => a.status === 'done')).toBe(true);
  }, 150_000);
});
