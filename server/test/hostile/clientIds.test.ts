import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { describe, expect, it } from 'vitest';
import { DEMO, signIn } from '../support/auth.ts';
import { GRACE, actionTitles, anAction, newBoard, testDb } from '../support/boards.ts';
import { connectClient } from '../support/clients.ts';
import { storedContent, watched } from '../support/hostile.ts';
import { startTestServer } from '../support/server.ts';

describe('writing under another member’s Yjs client id', () => {
  it('is refused, so her edits made offline reach everyone when she reconnects, across a restart', async () => {
    const db = await testDb();
    const first = await startTestServer({ db });
    const boardId = await newBoard(first.url, 'Client ids');
    const grace = connectClient(first.url, boardId, { cookie: await signIn(first.url, DEMO.member) });
    await grace.synced();
    grace.board.addAction(anAction('Written while online', 'person-1'), GRACE);
    const graceId = grace.doc.clientID;
    const watcher = connectClient(first.url, boardId, { cookie: await signIn(first.url, DEMO.otherMember) });
    await expect.poll(() => actionTitles(watcher)).toContain('Written while online');
    watcher.destroy();

    // Grace goes offline and works on; the server restarts meanwhile.
    grace.provider.disconnect();
    for (const title of ['Offline one', 'Offline two', 'Offline three'])
      grace.board.addAction(anAction(title), GRACE);
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
