import * as Y from 'yjs';
import { expect } from 'vitest';
import type { HuddleServer } from '../../src/server.ts';
import { DEMO, signIn } from './auth.ts';
import { by, newBoard } from './boards.ts';
import { connectClient, docContent, type TestClient } from './clients.ts';

/** A client that keeps every update the server sent it, to show what it was and was not sent. */
export interface WatchedClient extends TestClient {
  /** Every update received from the server, in order. */
  received: Uint8Array[];
  /** Whether any update received from the server held this text (as Yjs encodes strings: UTF-8). */
  wasSent(text: string): boolean;
}

export function watched(client: TestClient): WatchedClient {
  const received: Uint8Array[] = [];
  client.doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === client.provider) received.push(update);
  });
  return Object.assign(client, {
    received,
    wasSent: (text: string) => received.some((u) => Buffer.from(u).includes(Buffer.from(text))),
  });
}

/**
 * A board with two members on it: Grace, whose client writes whatever a test makes it write (as a
 * buggy or hostile browser would), and Priya, whose client is Huddle's way of writing and who
 * watches what reaches her. The board holds the person `person-1`.
 */
export async function boardWithTwoMembers(server: HuddleServer, name = 'Hostile board') {
  const boardId = await newBoard(server.url, name);
  const grace = watched(
    connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.member) }),
  );
  const priya = watched(
    connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.otherMember) }),
  );
  await Promise.all([grace.synced(), priya.synced()]);
  return { boardId, grace, priya };
}

/** The board as storage holds it, once everything received so far is stored. */
export async function storedContent(server: HuddleServer, boardId: string): Promise<unknown> {
  await server.storage.flush();
  const doc = new Y.Doc();
  const state = await server.storage.load(boardId);
  if (state) Y.applyUpdate(doc, state);
  return docContent(doc);
}

/** Waits until every client holds what the first holds, and storage holds it too. */
export async function expectConverged(
  server: HuddleServer,
  boardId: string,
  clients: TestClient[],
): Promise<void> {
  const reference = () => JSON.stringify(docContent(clients[0]!.doc));
  await expect
    .poll(() => clients.every((c) => JSON.stringify(docContent(c.doc)) === reference()), { timeout: 10_000 })
    .toBe(true);
  expect(JSON.stringify(await storedContent(server, boardId))).toBe(reference());
}

/** Priya's way of adding an action through Huddle's accessors: it must always be kept. */
export function priyaAdds(client: TestClient, title: string) {
  return client.board.addAction(
    {
      title,
      ownerId: 'demo-priya-shah',
      ownerName: 'Priya Shah',
      ownerOrganisationId: 'riverside-community',
      dueDate: '2026-12-01',
      personId: 'person-1',
    },
    { by: by() },
  );
}
