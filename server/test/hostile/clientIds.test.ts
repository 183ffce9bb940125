import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { DEMO, signIn } from '../support/auth.ts';
import { GRACE, actionTitles, anAction, newBoard, testDb } from '../support/boards.ts';
import { connectClient } from '../support/clients.ts';
import { storedContent, watched } from '../support/hostile.ts';
import { startTestServer } from '../support/server.ts';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { SyncServer } from '../../src/sync/SyncServer.ts';
import { MemoryBoardStorage } from '../support/memoryStorage.ts';
import { by } from '../support/boards.ts';
import { BoardDocument } from '#shared/board/boardDoc';

const USERS = {
  grace: { id: 'demo-grace-okafor', name: 'Grace Okafor', organisation: null, organisationId: null },
  priya: { id: 'demo-priya-shah', name: 'Priya Shah', organisation: null, organisationId: null },
  tom: { id: 'demo-tom-reid', name: 'Dr Tom Reid', organisation: null, organisationId: null },
};

/** The sync endpoint alone over `storage`, each connection signed in as the user its address names (`?as=grace`). */
async function syncServerOn(storage: MemoryBoardStorage): Promise<string> {
  const sync = new SyncServer(
    loadConfig({}).sync,
    storage,
    {
      authorize: async (request) => {
        const as = new URL(request.url ?? '/', 'http://x').searchParams.get('as') as keyof typeof USERS;
        return { user: USERS[as], sessionId: null, readOnly: false };
      },
    },
    createLogger('silent'),
  );
  const http = createServer();
  http.on('upgrade', (req, socket, head) => void sync.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    await sync.close();
    await new Promise((resolve) => http.close(resolve));
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

describe('an edit made just before a tab is closed', () => {
  it('is kept, though the tab closed while its client id was still being stored', async () => {
    const storage = new MemoryBoardStorage();
    const setup = new Y.Doc();
    new BoardDocument(setup).addPerson({ name: 'Margaret Ellis' }, { by: by('Seed'), id: 'person-1' });
    storage.createBoard('board', Y.encodeStateAsUpdate(setup));
    const url = await syncServerOn(storage);
    let stored!: () => void;
    storage.bindDelay = new Promise((resolve) => (stored = resolve));
    const writer = connectClient(url, 'board?as=priya');
    await writer.synced();
    writer.board.addAction(anAction('Agreed, then the laptop was shut'), { by: by() });
    writer.destroy();
    // By the time another browser has synced, the server has seen the first one go.
    const reader = connectClient(url, 'board?as=grace');
    await reader.synced();
    stored();
    await expect.poll(() => actionTitles(reader)).toEqual(['Agreed, then the laptop was shut']);
  });
});

describe('writing under another member’s Yjs client id', () => {
  it('is refused, so her edits made offline reach everyone when she reconnects, across a restart', async () => {
    const db = await testDb();
    const first = await startTestServer({ db });
    const boardId = await newBoard(first.url, 'Client ids');
    const grace = connectClient(first.url, boardId, { cookie: await signIn(first.url, DEMO.member) });
    await grace.synced();
    grace.board.addAction(anAction('Written while online', 'person-1'), { by: GRACE });
    const graceId = grace.doc.clientID;
    const watcher = connectClient(first.url, boardId, { cookie: await signIn(first.url, DEMO.otherMember) });
    await expect.poll(() => actionTitles(watcher)).toContain('Written while online');
    watcher.destroy();

    // Grace goes offline and works on; the server restarts meanwhile.
    grace.provider.disconnect();
    for (const title of ['Offline one', 'Offline two', 'Offline three'])
      grace.board.addAction(anAction(title), { by: GRACE });
    await first.close();
    const second = await startTestServer({ db });

    // Priya's browser, compromised, writes under Grace's client id, and claims her presence.
    const mallory = watched(
      connectClient(second.url, boardId, { cookie: await signIn(second.url, DEMO.otherMember) }),
    );
    await mallory.synced();
    const own = mallory.doc.clientID;
    mallory.doc.clientID = graceId;
    mallory.doc.transact(() => {
      const action = new Y.Map<unknown>();
      mallory.doc.getMap('actions').set('under-grace-s-name', action);
      // Valid by every rule of the board, and in Priya's own name: only its client id is wrong.
      for (const [key, value] of Object.entries({ ...anAction('Forged as Grace'), status: 'accepted' }))
        action.set(key, value);
      action.set('createdAt', new Date().toISOString());
      action.set('createdBy', 'Priya Shah');
      action.set('createdById', 'demo-priya-shah');
    });
    mallory.doc.clientID = own;
    const forged = new awarenessProtocol.Awareness(new Y.Doc());
    forged.clientID = graceId;
    forged.setLocalState({ editing: { recordType: 'actions', recordId: 'action-1' } });
    mallory.provider.ws?.send(
      new Uint8Array([1, ...encodeLength(awarenessProtocol.encodeAwarenessUpdate(forged, [graceId]))]),
    );

    // Grace reconnects to the restarted server: every one of her offline edits arrives.
    const reader = watched(
      connectClient(second.url, boardId, { cookie: await signIn(second.url, DEMO.member) }),
    );
    grace.provider.serverUrl = grace.provider.serverUrl.replace(
      new URL(first.url).host,
      new URL(second.url).host,
    );
    grace.provider.connect();
    await expect
      .poll(() => actionTitles(reader))
      .toEqual(
        expect.arrayContaining(['Offline one', 'Offline three', 'Offline two', 'Written while online']),
      );
    expect(actionTitles(reader)).not.toContain('Forged as Grace');
    expect(reader.wasSent('Forged as Grace')).toBe(false);
    expect([...reader.provider.awareness.getStates().keys()]).not.toContain(graceId);
    expect(JSON.stringify(await storedContent(second, boardId))).not.toContain('Forged as Grace');
    expect(JSON.stringify(await storedContent(second, boardId))).toContain('Offline three');
  });

  it('keeps a record handed back without a field a colleague changed, until her own browser brings it', async () => {
    const storage = new MemoryBoardStorage();
    const setup = new Y.Doc();
    new BoardDocument(setup).addPerson({ name: 'Margaret Ellis' }, { by: by('Seed'), id: 'person-1' });
    storage.createBoard('board', Y.encodeStateAsUpdate(setup));
    const first = await syncServerOn(storage);
    const grace = connectClient(first, 'board?as=grace');
    const priya = connectClient(first, 'board?as=priya');
    await Promise.all([grace.synced(), priya.synced()]);
    const action = grace.board.addAction(
      { ...anAction('Order a commode'), ownerId: GRACE.id!, ownerName: GRACE.name },
      { by: GRACE },
    );
    await expect.poll(() => actionTitles(priya)).toEqual(['Order a commode']);
    priya.board.updateAction(action.id, { title: 'Order a commode and a raised toilet seat' }, { by: by() });
    await expect.poll(() => actionTitles(grace)).toEqual(['Order a commode and a raised toilet seat']);

    // A crash loses both changes; the ids stay bound (stored before anything under them was shared).
    const lost = new MemoryBoardStorage();
    lost.createBoard('board', Y.encodeStateAsUpdate(setup));
    lost.boards.clients.set('board', new Map(storage.boards.clients.get('board')));
    grace.provider.disconnect();
    priya.provider.disconnect();
    const second = await syncServerOn(lost);
    grace.provider.serverUrl = grace.provider.serverUrl.replace(new URL(first).host, new URL(second).host);
    priya.provider.serverUrl = priya.provider.serverUrl.replace(new URL(first).host, new URL(second).host);
    grace.provider.connect();
    const tom = connectClient(second, 'board?as=tom');
    // Grace's browser holds her action, but its first title only as deleted, replaced by Priya's.
    await expect
      .poll(() => tom.board.readActions().find((r) => r.id === action.id))
      .toMatchObject({ ok: false });
    priya.provider.connect();
    await expect
      .poll(() => tom.board.readActions().find((r) => r.id === action.id))
      .toMatchObject({
        ok: true,
        value: { title: 'Order a commode and a raised toilet seat', createdById: GRACE.id },
      });
    expect([...grace.refusals, ...priya.refusals]).toEqual([]);
  });
});

/** A varuint length followed by the bytes, as y-websocket frames an awareness update. */
function encodeLength(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let length = bytes.length;
  while (length > 0x7f) {
    out.push(0x80 | (length & 0x7f));
    length = Math.floor(length / 128);
  }
  out.push(length);
  return [...out, ...bytes];
}
