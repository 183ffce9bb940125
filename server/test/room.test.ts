import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { MessageType } from '#shared/sync/protocol';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BoardDocument } from '#shared/board/boardDoc';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { SyncServer, type ConnectionGrant } from '../src/sync/SyncServer.ts';
import { MemoryBoardStorage, byRecord } from './support/memoryStorage.ts';
import { projectDocument } from '../src/projection/boardProjection.ts';
import { projectionHook } from '../src/projection/projectionHook.ts';
import { Room } from '../src/sync/Room.ts';
import { DEFAULT_ROOM_LIMITS } from '../src/sync/roomContract.ts';
import { roomPersistence } from '../src/sync/roomPersistence.ts';
import { actionTitles, anAction, by } from './support/boards.ts';
import { boardRulesHook } from '../src/boards/boardRulesHook.ts';
import { connectClient, docContent } from './support/clients.ts';
import { InProcessBrowser } from './support/roomPair.ts';
import { awarenessFrame, openRawSocket } from './support/rawSocket.ts';
import { RENEWAL_WAIT_MS } from '../src/sync/presenceRenewals.ts';

/** The sync endpoint alone, over in-memory storage, with a chosen grant per connection. */
async function startSyncOnly(
  storage: MemoryBoardStorage,
  grant: (request: { url?: string }) => ConnectionGrant,
) {
  const sync = new SyncServer(
    loadConfig({}).sync,
    storage,
    { authorize: async (req) => grant(req) },
    createLogger('silent'),
  );
  const http: Server = createServer();
  http.on('upgrade', (req, socket, head) => void sync.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    await sync.close();
    await new Promise((resolve) => http.close(resolve));
  });
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, sync };
}

function storedBoard(storage: MemoryBoardStorage, boardId: string, title: string): void {
  const doc = new Y.Doc();
  const board = new BoardDocument(doc);
  board.addPerson({ name: 'Margaret Ellis' }, { by: by('Seed'), id: 'person-1' });
  board.addAction(anAction(title), { by: by('Seed') });
  storage.createBoard(boardId, Y.encodeStateAsUpdate(doc));
}

describe('sync room', () => {
  it('answers no sync message until the board has loaded, so a client never sees an empty board', async () => {
    const storage = new MemoryBoardStorage();
    storedBoard(storage, 'slow-board', 'Already on the board');
    let finishLoading!: () => void;
    storage.loadDelay = new Promise((resolve) => (finishLoading = resolve));
    const { url } = await startSyncOnly(storage, () => ({ user: null, sessionId: null, readOnly: false }));

    const client = connectClient(url, 'slow-board');
    let titlesWhenSynced: string[] | undefined;
    client.provider.on('sync', (synced: boolean) => {
      if (synced) titlesWhenSynced ??= actionTitles(client);
    });
    await expect.poll(() => client.provider.wsconnected).toBe(true);
    expect(client.provider.synced).toBe(false);

    finishLoading();
    await client.synced();
    expect(titlesWhenSynced).toEqual(['Already on the board']);
  });

  it('sends a browser that holds nothing the whole board as it is now, however many opened it before it changed', async () => {
    const storage = new MemoryBoardStorage();
    storedBoard(storage, 'board', 'Agreed at handover');
    const { url } = await startSyncOnly(storage, () => ({ user: null, sessionId: null, readOnly: false }));
    const grace = connectClient(url, 'board');
    const first = connectClient(url, 'board');
    await Promise.all([grace.synced(), first.synced()]);
    expect(actionTitles(first)).toEqual(['Agreed at handover']);

    grace.board.addAction(anAction('Ring the GP'), { by: by('Grace') });
    await expect.poll(() => actionTitles(first)).toContain('Ring the GP');
    const next = connectClient(url, 'board');
    await next.synced();
    expect(actionTitles(next)).toEqual(['Agreed at handover', 'Ring the GP']);

    // A browser holding part of the board is sent the rest.
    grace.board.addAction(anAction('Book the falls clinic'), { by: by('Grace') });
    const partial = new Y.Doc();
    Y.applyUpdate(partial, storage.boards.updates.get('board')![0]!);
    const returning = connectClient(url, 'board', { doc: partial });
    await returning.synced();
    await expect.poll(() => docContent(returning.doc)).toEqual(docContent(grace.doc));
    const last = connectClient(url, 'board');
    await last.synced();
    expect(docContent(last.doc)).toEqual(docContent(grace.doc));
  });

  it('never applies, stores or broadcasts a read-only connection’s edits, but shares its presence', async () => {
    const storage = new MemoryBoardStorage();
    storedBoard(storage, 'board', 'Agreed at handover');
    const { url } = await startSyncOnly(storage, (req) => ({
      user: null,
      sessionId: null,
      readOnly: req.url?.includes('viewer') ?? false,
    }));
    const member = connectClient(url, 'board');
    const viewer = connectClient(url, 'board?viewer');
    // The room name carries the query; both are the same board on the server.
    expect(viewer.provider.url).toContain('viewer');
    await Promise.all([member.synced(), viewer.synced()]);
    viewer.provider.awareness.setLocalStateField('user', { name: 'Manager Mo' });
    const names = () =>
      [...member.provider.awareness.getStates().values()].map(
        (s) => (s.user as { name?: string } | undefined)?.name,
      );
    await expect.poll(names).toContain('Manager Mo');

    viewer.board.addAction(anAction('Viewer tried to add this'), { by: by('Viewer') });
    member.board.addAction(anAction('Member added this'), { by: by('Member') });
    await expect.poll(() => actionTitles(viewer)).toContain('Member added this');
    expect(actionTitles(member)).toEqual(['Agreed at handover', 'Member added this']);
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await storage.load('board'))!);
    expect(new BoardDocument(stored).readActions().map((r) => r.ok && r.value.title)).not.toContain(
      'Viewer tried to add this',
    );
  });
});

/** A presence socket: sends y-websocket awareness frames, and keeps each awareness message it gets with when. */
async function presenceSocket(url: string, boardId: string) {
  const { ws } = await openRawSocket(url, boardId);
  const heard: { at: number; entries: { clientId: number; clock: number; state: unknown }[] }[] = [];
  ws.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== MessageType.Awareness) return;
    const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
    const entries = [];
    for (let n = decoding.readVarUint(update); n > 0; n--) {
      const clientId = decoding.readVarUint(update);
      const clock = decoding.readVarUint(update);
      entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(update)) as unknown });
    }
    heard.push({ at: performance.now(), entries });
  });
  const say = (clientId: number, clock: number, state: object) => {
    ws.send(awarenessFrame([{ clientId, clock, state }]));
    return performance.now();
  };
  /** The first message heard with `clientId` at `clock`. */
  const heardAt = (clientId: number, clock: number) =>
    heard.find((m) => m.entries.some((e) => e.clientId === clientId && e.clock === clock));
  return { say, heard, heardAt };
}

describe('presence on a board', () => {
  it('passes a change of presence on at once, and renewals together within seconds, with the next change', async () => {
    const storage = new MemoryBoardStorage();
    storedBoard(storage, 'board', 'Agreed at handover');
    const { url } = await startSyncOnly(storage, () => ({ user: null, sessionId: null, readOnly: false }));
    const grace = await presenceSocket(url, 'board');
    const priya = await presenceSocket(url, 'board');
    const watcher = await presenceSocket(url, 'board');
    const graceState = { user: { name: 'Grace' }, editing: null };
    const priyaState = { user: { name: 'Priya' }, editing: null };

    // Joining is a change: the others hear of it at once.
    const joined = grace.say(11, 1, graceState);
    priya.say(22, 1, priyaState);
    await expect.poll(() => watcher.heardAt(11, 1) && watcher.heardAt(22, 1)).toBeTruthy();
    expect(watcher.heardAt(11, 1)!.at - joined).toBeLessThan(RENEWAL_WAIT_MS / 2);

    // Both renew, nothing changed, half a second apart: passed on together, within the wait, to
    // everyone (the senders count it as a sign of life).
    const renewed = grace.say(11, 2, graceState);
    await new Promise((resolve) => setTimeout(resolve, 500));
    priya.say(22, 2, priyaState);
    await expect.poll(() => watcher.heardAt(11, 2), { timeout: RENEWAL_WAIT_MS * 2 }).toBeTruthy();
    const together = watcher.heardAt(11, 2)!;
    expect(together.entries.map((e) => [e.clientId, e.clock]).sort()).toEqual([
      [11, 2],
      [22, 2],
    ]);
    expect(together.at - renewed).toBeGreaterThanOrEqual(RENEWAL_WAIT_MS - 100);
    expect(together.at - renewed).toBeLessThan(RENEWAL_WAIT_MS * 2);
    await expect.poll(() => grace.heardAt(11, 2) && priya.heardAt(22, 2)).toBeTruthy();

    // A renewal waiting goes with the next change, which is not held back.
    grace.say(11, 3, graceState);
    const editing = priya.say(22, 3, { ...priyaState, editing: { recordType: 'action', recordId: 'a1' } });
    await expect.poll(() => watcher.heardAt(22, 3)).toBeTruthy();
    const change = watcher.heardAt(22, 3)!;
    expect(change.at - editing).toBeLessThan(RENEWAL_WAIT_MS / 2);
    expect(change.entries.find((e) => e.clientId === 22)!.state).toMatchObject({
      editing: { recordId: 'a1' },
    });
    expect(change.entries.some((e) => e.clientId === 11 && e.clock === 3)).toBe(true);
  });
});

describe('a room’s hooks on loading a board', () => {
  /** A stored board whose projection has never been written. */
  function boardBehind(storage: MemoryBoardStorage, boardId: string): Y.Doc {
    storedBoard(storage, boardId, 'Falls review');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, storage.boards.updates.get(boardId)![0]!);
    return doc;
  }

  it('projects a board whose projection is behind as it loads, and one that is current not again', async () => {
    const storage = new MemoryBoardStorage();
    const doc = boardBehind(storage, 'board-behind');
    const room = new Room('board-behind', roomPersistence(storage), [
      projectionHook(storage.boards, createLogger('silent')),
    ]);
    await room.load();
    expect(storage.boards.projected('board-behind')).toEqual(projectDocument(doc).sort(byRecord));
    expect(storage.boards.projections.get('board-behind')!.current).toBe(true);
    await room.unload();

    // Current now: loading again stores nothing more.
    const appended = storage.boards.updates.get('board-behind')!.length;
    const again = new Room('board-behind', roomPersistence(storage), [
      projectionHook(storage.boards, createLogger('silent')),
    ]);
    await again.load();
    expect(storage.boards.updates.get('board-behind')!.length).toBe(appended);
    await again.unload();
  });

  it('opens the board regardless when a hook fails on loading it, and logs why', async () => {
    const storage = new MemoryBoardStorage();
    boardBehind(storage, 'board-1');
    const errors: string[] = [];
    const failing = {
      name: 'failing',
      loaded: async () => {
        throw new Error('the projection state could not be read');
      },
    };
    const room = new Room('board-1', roomPersistence(storage), [failing], DEFAULT_ROOM_LIMITS, {
      warn: () => undefined,
      error: (_details, message) => void errors.push(message),
    });
    await room.load();
    expect(room.loaded).toBe(true);
    expect(errors).toEqual(['a room hook failed on loading a board']);
    await room.unload();
  });
});

describe('a refused change', () => {
  it('that set fields twice (offline) puts their values back for good: in storage too (seed 77331 of the sync fuzz)', async () => {
    const storage = new MemoryBoardStorage();
    const doc = new Y.Doc();
    const seeded = new BoardDocument(doc);
    seeded.addPerson({ name: 'Margaret Ellis' }, { by: by('Seed'), id: 'person-1' });
    // Proposed by Grace to Priya: only Priya can take it on.
    seeded.addAction(anAction('Book respite for Thursday'), {
      by: { id: 'demo-grace-okafor', name: 'Grace Okafor' },
    });
    storage.createBoard('board', Y.encodeStateAsUpdate(doc));
    const log = { warn: () => undefined, error: () => undefined };
    const room = new Room('board', roomPersistence(storage), [boardRulesHook], DEFAULT_ROOM_LIMITS, log);
    await room.load();
    const grace = new InProcessBrowser(
      room,
      { id: 'demo-grace-okafor', name: 'Grace Okafor', organisation: null, organisationId: null },
      100,
    );
    const exchange = async () => {
      while (grace.busy) {
        while (grace.toRoom.length) await grace.deliverToRoom();
        while (grace.toBrowser.length) grace.deliverToBrowser();
      }
    };
    grace.connect();
    await exchange();
    const [action] = grace.board.readActions();
    // Offline, her browser accepts Priya's action and then starts it: only Priya may, so both are refused.
    grace.disconnect();
    const record = grace.doc.getMap('actions').get(action!.id) as Y.Map<unknown>;
    grace.doc.transact(() => {
      record.set('status', 'accepted');
      record.set('title', 'Respite booked');
    });
    grace.doc.transact(() => {
      record.set('status', 'in_progress');
      record.set('title', 'Respite booked for Thursday');
    });
    grace.connect();
    await exchange();
    expect(grace.refusals.join()).toMatch(/Only Priya Shah can accept this action/);
    const content = JSON.stringify(docContent(room.doc));
    expect(grace.board.readActions()[0]).toMatchObject({ value: { status: 'proposed' } });
    expect(JSON.stringify(docContent(grace.doc))).toBe(content);
    await room.unload();
    const stored = new Y.Doc();
    Y.applyUpdate(stored, (await storage.load('board'))!);
    expect(JSON.stringify(docContent(stored))).toBe(content);
  });
});
