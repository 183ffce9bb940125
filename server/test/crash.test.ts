import { describe, expect, it } from 'vitest';
import { connectClient } from './support/clients.ts';
import { actionTitles, anAction, by, memberCookie, newBoard, testDb } from './support/boards.ts';
import { spawnServer } from './support/server.ts';

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
    nurse.board.addAction(anAction('Made just before the crash'), by('Nurse'));
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
    expect(await second.stop('SIGTERM')).toBe(0);
    const third = await spawnServer(env);
    const later = connectClient(third.url, boardId, { cookie: await memberCookie(third.url) });
    await later.synced();
    expect(actionTitles(later)).toEqual(['Made just before the crash']);
  }, 90_000);
});
