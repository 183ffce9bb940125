import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as prng from 'lib0/prng';
import { describe, expect, it } from 'vitest';
import type { Actor } from '#shared/board/record';
import { Collection } from '#shared/board/boardDoc';
import { MessageType } from '#shared/sync/protocol';
import { DEFAULT_ROOM_LIMITS } from '../../src/sync/roomContract.ts';
import { DEMO, signIn } from '../support/auth.ts';
import { newBoard, testDb } from '../support/boards.ts';
import { connectClient, docContent, type TestClient } from '../support/clients.ts';
import { storedContent, watched, type WatchedClient } from '../support/hostile.ts';
import { openRawSocket, type RawSocket } from '../support/rawSocket.ts';
import { startTestServer } from '../support/server.ts';

const STEPS = 300;
/** Every value a refused change carries holds this, so it can be looked for wherever it might leak. */
const FORBIDDEN = 'FORBIDDEN';

interface Member {
  actor: Actor;
  email: string;
  organisationId: string;
}

const HONEST: Member[] = [
  {
    actor: { id: 'demo-priya-shah', name: 'Priya Shah' },
    email: DEMO.otherMember,
    organisationId: 'riverside-community',
  },
  {
    actor: { id: 'demo-tom-reid', name: 'Dr Tom Reid' },
    email: DEMO.facilitator,
    organisationId: 'elm-tree-practice',
  },
  {
    actor: { id: 'demo-lucy-evans', name: 'Lucy Evans' },
    email: 'lucy.evans@riverside-asc.example',
    organisationId: 'riverside-asc',
  },
];

interface Honest {
  member: Member;
  client: WatchedClient;
}

/** A valid edit through Huddle's accessors, as the member it is made by; returns the id of a record it added. */
function validEdit(gen: prng.PRNG, { member, client }: Honest, step: number): string | null {
  const { board } = client;
  const actions = board.readActions().flatMap((r) => (r.ok ? [r.value] : []));
  const people = board.readPeople().flatMap((r) => (r.ok ? [r.value] : []));
  const roll = prng.int32(gen, 0, 99);
  try {
    if (roll < 30 || actions.length === 0) {
      const owner = prng.oneOf(gen, HONEST);
      return board.addAction(
        {
          title: `Action ${step} by ${member.actor.name}`,
          ownerId: owner.actor.id!,
          ownerName: owner.actor.name,
          ownerOrganisationId: owner.organisationId,
          dueDate: `2026-12-${String(prng.int32(gen, 1, 28)).padStart(2, '0')}`,
          personId: prng.oneOf(gen, people).id,
        },
        { by: member.actor },
      ).id;
    }
    const action = prng.oneOf(gen, actions);
    if (roll < 50)
      board.updateAction(
        action.id,
        { title: `${action.title.slice(0, 200)} (${step})` },
        { by: member.actor },
      );
    else if (roll < 60)
      board.updateAction(
        action.id,
        { dueDate: `2027-01-${String(prng.int32(gen, 1, 28)).padStart(2, '0')}` },
        { by: member.actor },
      );
    else if (roll < 75) {
      // Only the owner moves an action on; anyone may cancel it.
      const mine = action.ownerId === member.actor.id;
      const status = mine
        ? prng.oneOf(gen, ['accepted', 'in_progress', 'blocked', 'done'] as const)
        : 'cancelled';
      board.updateAction(action.id, { status }, { by: member.actor });
    } else if (roll < 85) {
      const person = prng.oneOf(gen, people);
      const text = board.sharedText(Collection.people, person.id, 'sbarSituation');
      text?.insert(prng.int32(gen, 0, text.length), `${member.actor.name.split(' ')[0]} ${step}. `);
    } else if (roll < 92) {
      return board.addPerson({ name: `Person ${step}` }, { by: member.actor }).id;
    } else {
      const person = prng.oneOf(gen, people);
      return board.addGoal(
        { personId: person.id, statement: `Goal ${step} in their own words` },
        { by: member.actor },
      ).id;
    }
  } catch {
    // A change Huddle's own accessors refuse (an action someone else took on meanwhile): not made.
  }
  return null;
}

/** A change that breaks the board's schema or rules, written straight into the document. */
function breakingEdit(gen: prng.PRNG, client: TestClient, step: number): void {
  const doc = client.doc;
  const marker = `${FORBIDDEN}-${step}`;
  const actions = doc.getMap(Collection.actions) as Y.Map<Y.Map<unknown>>;
  const people = doc.getMap(Collection.people) as Y.Map<Y.Map<unknown>>;
  const anAction = () => [...actions.values()][prng.int32(gen, 0, Math.max(0, actions.size - 1))];
  const kind = prng.int32(gen, 0, 9);
  doc.transact(() => {
    switch (kind) {
      case 0:
        doc.getMap(`${marker}-root`).set('x', marker);
        break;
      case 1:
        anAction()?.set('status', marker);
        break;
      case 2:
        (actions as Y.Map<unknown>).set(`${marker}-text`, marker);
        break;
      case 3: {
        const id = [...people.keys()][0];
        if (id) people.delete(id);
        anAction()?.set('title', `${marker} ${'x'.repeat(400)}`);
        break;
      }
      case 4:
        anAction()?.set(marker, 1);
        break;
      case 5: {
        const action = anAction();
        action?.set('dueDate', BigInt(step));
        action?.set('title', marker);
        break;
      }
      case 6:
        anAction()?.set('title', `${marker} ${'x'.repeat(400)}`);
        break;
      case 7: {
        for (const id of [...actions.keys()]) actions.delete(id);
        doc.getMap(marker).set('y', 1);
        break;
      }
      case 8: {
        const action = new Y.Map<unknown>();
        actions.set(`${marker}-forged`, action);
        action.set('title', marker);
        action.set('status', 'accepted');
        action.set('createdById', 'demo-priya-shah');
        break;
      }
      default: {
        const stage = [...doc.getMap(Collection.pathwayStages).keys()][0];
        const person = [...people.values()][0];
        if (stage && person) {
          person.set('stageId', `${marker}-nowhere`);
          doc.getMap(Collection.pathwayStages).delete(stage);
        } else doc.getMap(marker).set('z', 1);
      }
    }
  });
}

/** A frame that is not a well-formed message, or a well-formed one the protocol does not allow. */
function malformedFrame(gen: prng.PRNG, known: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  switch (prng.int32(gen, 0, 5)) {
    case 0:
      return prng.uint8Array(gen, prng.int32(gen, 1, 64));
    case 1:
      encoding.writeVarUint(encoder, MessageType.Sync);
      encoding.writeVarUint(encoder, 2);
      encoding.writeVarUint8Array(encoder, prng.uint8Array(gen, prng.int32(gen, 1, 64)));
      break;
    case 2:
      encoding.writeVarUint(encoder, MessageType.Sync);
      encoding.writeVarUint(encoder, 2);
      encoding.writeVarUint8Array(encoder, known.slice(0, prng.int32(gen, 1, Math.max(1, known.length - 1))));
      break;
    case 3:
      encoding.writeVarUint(encoder, MessageType.Awareness);
      encoding.writeVarUint8Array(encoder, new Uint8Array([1, 7, 1, 3, 123, 123, 123]));
      break;
    case 4:
      encoding.writeVarUint(encoder, 99);
      break;
    default:
      encoding.writeVarUint(encoder, MessageType.Sync);
      encoding.writeVarUint(encoder, 7);
  }
  return encoding.toUint8Array(encoder);
}

describe('hostile sync fuzz: members’ valid edits, schema-breaking edits and malformed frames at once', () => {
  // A seed that ever fails stays in this list as a named regression.
  for (const seed of [7, 1_979, 40_417]) {
    it(`keeps every valid edit, reaches everyone with them, and nothing else (seed ${seed})`, async () => {
      const gen = prng.create(seed);
      const server = await startTestServer({
        db: await testDb(),
        storage: { compactThreshold: 40 },
        sync: { limits: { ...DEFAULT_ROOM_LIMITS, maxRefusalsPerMinute: 10_000 } },
      });
      const boardId = await newBoard(server.url, `Hostile fuzz ${seed}`);
      const honest: Honest[] = [];
      for (const member of HONEST) {
        const cookie = await signIn(server.url, member.email);
        for (let i = 0; i < 2; i++)
          honest.push({ member, client: watched(connectClient(server.url, boardId, { cookie })) });
      }
      const graceCookie = await signIn(server.url, DEMO.member);
      const hostile = connectClient(server.url, boardId, { cookie: graceCookie });
      const viewer = watched(
        connectClient(server.url, boardId, { cookie: await signIn(server.url, DEMO.viewer) }),
      );
      const danCookie = await signIn(server.url, 'dan.morris@riverside-hospital.example');
      let raw: RawSocket = await openRawSocket(server.url, boardId, { cookie: danCookie });
      await Promise.all([...honest.map((h) => h.client.synced()), hostile.synced(), viewer.synced()]);

      const added: string[] = [];
      let malformed = 0;
      for (let step = 0; step < STEPS; step++) {
        const roll = prng.int32(gen, 0, 99);
        if (roll < 60) {
          const id = validEdit(gen, prng.oneOf(gen, honest), step);
          if (id) added.push(id);
        } else if (roll < 75) breakingEdit(gen, hostile, step);
        else if (roll < 85) {
          if (raw.ws.readyState !== raw.ws.OPEN)
            raw = await openRawSocket(server.url, boardId, { cookie: danCookie });
          raw.ws.send(malformedFrame(gen, Y.encodeStateAsUpdate(honest[0]!.client.doc)));
          malformed++;
        } else if (roll < 92) {
          const { client } = prng.oneOf(gen, honest);
          if (client.provider.shouldConnect) client.provider.disconnect();
          else client.provider.connect();
        } else {
          // The viewer's writes are never applied, whatever they are.
          viewer.board.addPerson(
            { name: `${FORBIDDEN} viewer ${step}` },
            { by: { id: 'demo-helen-ward', name: 'Helen Ward' } },
          );
        }
        if (prng.bool(gen)) await new Promise((resolve) => setTimeout(resolve, prng.int32(gen, 0, 3)));
      }
      for (const { client } of honest) if (!client.provider.shouldConnect) client.provider.connect();
      expect(malformed).toBeGreaterThan(10);

      // Everyone converges on one board (the hostile member's copy put back, the viewer's own edits
      // kept only in her copy), and storage holds exactly it.
      const honestClients = honest.map((h) => h.client);
      const reference = () => JSON.stringify(docContent(honestClients[0]!.doc));
      await expect
        .poll(
          () => [...honestClients, hostile].every((c) => JSON.stringify(docContent(c.doc)) === reference()),
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
      expect(JSON.stringify(await storedContent(server, boardId))).toBe(reference());
      // Every record a valid edit added is there; no valid edit was refused; nothing refused reached anyone.
      const content = reference();
      expect(honestClients.flatMap((c) => c.refusals)).toEqual([]);
      for (const id of added) expect(content).toContain(`"${id}"`);
      expect(added.length).toBeGreaterThan(20);
      expect(hostile.refusals.length).toBeGreaterThan(0);
      expect(content).not.toContain(FORBIDDEN);
      for (const client of [...honestClients, viewer]) {
        const leaked = client.received.find((u) => Buffer.from(u).includes(Buffer.from(FORBIDDEN)));
        expect(
          leaked &&
            Buffer.from(leaked)
              .toString('latin1')
              .match(/FORBIDDEN[-\w ]*/)?.[0],
        ).toBeUndefined();
      }
      for (const name of hostile.doc.share.keys())
        expect(name.startsWith(FORBIDDEN) && hostile.doc.getMap(name).size > 0).toBe(false);
      // The server carries on: a fresh member sees the same board.
      const fresh = connectClient(server.url, boardId, {
        cookie: await signIn(server.url, DEMO.otherMember),
      });
      await fresh.synced();
      expect(JSON.stringify(docContent(fresh.doc))).toBe(reference());
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }, 120_000);
  }
});
