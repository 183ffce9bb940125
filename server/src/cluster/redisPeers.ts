import { randomUUID } from 'node:crypto';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import type { PeerUpdate, RoomPeers } from '../sync/roomContract.ts';
import type { ClientBinding } from '../sync/boardChange.ts';

/** What a process does with a board another process passes on (a loaded `Room`). */
export interface PeerRoom {
  applyPeerUpdate(update: PeerUpdate): void;
  applyPeerAwareness(update: Uint8Array): void;
  stateVector(): Uint8Array;
  peerUpdateSince(stateVector?: Uint8Array): PeerUpdate;
  localAwareness(): Uint8Array | null;
}

/** The kinds of message on a board's channel. */
const Kind = {
  /** A change the sender kept. */
  Update: 0,
  /** Presence the sender's connections set or removed. */
  Awareness: 1,
  /** The sender's state vector: whoever holds more answers. */
  Ask: 2,
  /** What the asker lacked, the answerer's state vector (so the asker can send what it lacks) and its presence. */
  Answer: 3,
} as const;

/** How long a board opening here waits for the other holders' answers, at most. */
const ANSWER_WAIT_MS = 1_000;
/** Every process holding a board asks the others what it may have missed this often. */
const ASK_INTERVAL_MS = 30_000;
/** A Yjs update that holds nothing is two bytes (no structs, no deletions). */
const EMPTY_UPDATE_BYTES = 2;

function writePeerUpdate(encoder: encoding.Encoder, peer: PeerUpdate): void {
  encoding.writeVarUint(encoder, peer.owners.length);
  for (const { clientId, userId } of peer.owners) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarString(encoder, userId);
  }
  encoding.writeVarUint(encoder, peer.serverIds.length);
  for (const id of peer.serverIds) encoding.writeVarUint(encoder, id);
  encoding.writeVarUint8Array(encoder, peer.update);
}

function readPeerUpdate(decoder: decoding.Decoder): PeerUpdate {
  const owners: ClientBinding[] = [];
  for (let i = decoding.readVarUint(decoder); i > 0; i--) {
    owners.push({ clientId: decoding.readVarUint(decoder), userId: decoding.readVarString(decoder) });
  }
  const serverIds: number[] = [];
  for (let i = decoding.readVarUint(decoder); i > 0; i--) serverIds.push(decoding.readVarUint(decoder));
  return { owners, serverIds, update: decoding.readVarUint8Array(decoder) };
}

/**
 * Boards shared between server processes over Redis pub/sub: one channel a board, to which every
 * process holding the board is subscribed. A process passes on each change it kept (its own
 * connections', checked by its rules, stored by it) and the presence its connections set; the
 * others apply them, show them to their connections and store a copy. Pub/sub does not promise
 * delivery, so nothing relies on it: each message carries the sender's sequence number on the board,
 * and a process that sees a gap, opens a board, or gets its Redis connection back asks the others
 * with its state vector, and they answer with what it lacks (and it sends them what they lack). Every
 * holder also asks every half minute, for a message lost at the end of a burst.
 */
export class RedisPeers implements RoomPeers {
  readonly processId = randomUUID();
  readonly #rooms = new Map<string, PeerRoom>();
  readonly #sent = new Map<string, number>();
  /** Per board, per sending process: the last sequence number heard. */
  readonly #heard = new Map<string, Map<string, number>>();
  readonly #askTimer: NodeJS.Timeout;
  /** Boards opening here, waiting for the other holders' answers. */
  readonly #awaited = new Map<string, { left: number; answered: () => void }>();
  /**
   * Per board held here: whether another process may hold it too, and how many messages from other
   * processes have been heard on it. Boards are routed to one process (the balancer's `board`
   * routing), so most are held by one alone: their changes and presence are not published for
   * nobody to hear. Redis says how many heard each message: one (this process) means nobody else,
   * unless something from another process was heard meanwhile (it subscribed after that message).
   */
  readonly #company = new Map<string, { others: boolean; heard: number }>();

  readonly #channelPrefix: string;

  /** `prefix` starts every channel name: processes on one Redis with the same prefix share boards. */
  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.#channelPrefix = `${prefix}:board:`;
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const name = channel.toString();
      if (name.startsWith(this.#channelPrefix))
        this.#receive(name.slice(this.#channelPrefix.length), message);
    });
    // While either connection was cut off, messages were lost both ways: ask again once both are back.
    const down = new Set<Redis>();
    for (const client of [publisher, subscriber]) {
      client.on('close', () => down.add(client));
      client.on('ready', () => {
        if (!down.delete(client) || down.size > 0) return;
        this.log.info({ boards: this.#rooms.size }, 'Redis is back; asking other processes what was missed');
        void this.#askOnceSubscribed();
      });
    }
    this.#askTimer = setInterval(() => {
      for (const boardId of this.#rooms.keys()) void this.#ask(boardId);
    }, ASK_INTERVAL_MS);
    this.#askTimer.unref();
  }

  /**
   * Starts hearing a board that has just loaded here, and asks the others for what it lacks:
   * resolves once every other holder has answered (Redis says how many heard the question), or
   * after `ANSWER_WAIT_MS`, so that nobody is served a board older than another process holds (a
   * change not yet stored there would be missing here, and the rules would judge without it).
   */
  async join(boardId: string, room: PeerRoom): Promise<void> {
    this.#rooms.set(boardId, room);
    this.#company.set(boardId, { others: true, heard: 0 });
    if (this.subscriber.status !== 'ready' || this.publisher.status !== 'ready') {
      // Redis is away: served from this process alone meanwhile; subscribed, and asking, once it is back.
      this.subscriber.subscribe(this.#channelOf(boardId)).catch(() => undefined);
      return;
    }
    try {
      await this.subscriber.subscribe(this.#channelOf(boardId));
    } catch (err) {
      // Redis is away: the board is served from this process alone until it is back (then it asks).
      this.log.warn({ err, boardId }, 'could not hear other processes about a board');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const waiting = { left: 0, answered: () => undefined as void };
    const done = new Promise<void>((resolve) => {
      waiting.answered = resolve;
      timer = setTimeout(resolve, ANSWER_WAIT_MS);
    });
    this.#awaited.set(boardId, waiting);
    try {
      // Everyone subscribed hears the question, this process too; answers may come before this count.
      waiting.left += (await this.#ask(boardId)) - 1;
      if (waiting.left > 0) await done;
      if (waiting.left > 0)
        this.log.warn(
          { boardId, unanswered: waiting.left },
          'opening a board without every other process’s answer',
        );
    } finally {
      clearTimeout(timer);
      this.#awaited.delete(boardId);
    }
  }

  leave(boardId: string): void {
    this.#rooms.delete(boardId);
    this.#company.delete(boardId);
    this.#heard.delete(boardId);
    this.#sent.delete(boardId);
    this.subscriber.unsubscribe(this.#channelOf(boardId)).catch(() => undefined);
  }

  shareUpdate(boardId: string, update: PeerUpdate): void {
    if (this.#company.get(boardId)?.others === false) return;
    this.#publish(boardId, Kind.Update, '', (encoder) => writePeerUpdate(encoder, update));
  }

  shareAwareness(boardId: string, update: Uint8Array): void {
    if (this.#company.get(boardId)?.others === false) return;
    this.#publish(boardId, Kind.Awareness, '', (encoder) => encoding.writeVarUint8Array(encoder, update));
  }

  close(): void {
    clearInterval(this.#askTimer);
    this.#rooms.clear();
  }

  #channelOf(boardId: string): string {
    return `${this.#channelPrefix}${boardId}`;
  }

  /** Asks the board's other holders what this process lacks; resolves with how many heard (this process too). */
  /**
   * Asks about every board held here once this process hears its boards' channels again. ioredis is
   * `ready` before it has subscribed again: asked sooner, the answers (and the others' questions
   * meanwhile) could go unheard, and what was said while Redis was away waits for the next periodic
   * question. The processes ask in turn as each comes back; the later one is heard by the earlier.
   */
  async #askOnceSubscribed(): Promise<void> {
    const channels = [...this.#rooms.keys()].map((boardId) => this.#channelOf(boardId));
    if (channels.length > 0) {
      try {
        await this.subscriber.subscribe(...channels);
      } catch {
        return; // Redis went away again: asked once it is back
      }
    }
    for (const boardId of this.#rooms.keys()) void this.#ask(boardId);
  }

  #ask(boardId: string): Promise<number> {
    const room = this.#rooms.get(boardId);
    if (!room) return Promise.resolve(0);
    return this.#publish(boardId, Kind.Ask, '', (encoder) =>
      encoding.writeVarUint8Array(encoder, room.stateVector()),
    );
  }

  /** Resolves with how many processes heard it (0 when Redis is away or it failed). */
  #publish(
    boardId: string,
    kind: number,
    to: string,
    write: (encoder: encoding.Encoder) => void,
  ): Promise<number> {
    if (this.publisher.status !== 'ready') return Promise.resolve(0); // peers ask for it once Redis is back
    const seq = (this.#sent.get(boardId) ?? 0) + 1;
    this.#sent.set(boardId, seq);
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, this.processId);
    encoding.writeVarUint(encoder, seq);
    encoding.writeVarString(encoder, to);
    write(encoder);
    const heardBefore = this.#company.get(boardId)?.heard;
    return this.publisher.publish(this.#channelOf(boardId), Buffer.from(encoding.toUint8Array(encoder))).then(
      (count) => {
        this.#counted(boardId, heardBefore, count);
        return count;
      },
      (err: unknown) => {
        this.log.debug({ err, boardId }, 'passing a board message on failed');
        return 0;
      },
    );
  }

  /**
   * Notes how many processes heard a message on a board (this one among them, while it is subscribed):
   * more than one, and the board's changes are published; this one alone, with nothing heard from
   * another since the message was sent, and they are not, until another process is heard (its
   * question on opening the board, asked every half minute too, is answered with everything it lacks).
   */
  #counted(boardId: string, heardBefore: number | undefined, count: number): void {
    const company = this.#company.get(boardId);
    if (!company) return;
    if (count > 1) company.others = true;
    else if (count === 1 && company.heard === heardBefore && this.subscriber.status === 'ready')
      company.others = false;
  }

  /** Never throws: a message that cannot be read or applied is logged, and the board asks again. */
  #receive(boardId: string, message: Buffer): void {
    const room = this.#rooms.get(boardId);
    if (!room) return;
    try {
      const decoder = decoding.createDecoder(
        new Uint8Array(message.buffer, message.byteOffset, message.byteLength),
      );
      const kind = decoding.readVarUint(decoder);
      const sender = decoding.readVarString(decoder);
      const seq = decoding.readVarUint(decoder);
      const to = decoding.readVarString(decoder);
      if (sender === this.processId) return;
      const company = this.#company.get(boardId);
      if (company) {
        company.others = true;
        company.heard += 1;
      }
      const gap = this.#noteHeard(boardId, sender, seq);
      if (to === '' || to === this.processId) {
        switch (kind) {
          case Kind.Update:
            room.applyPeerUpdate(readPeerUpdate(decoder));
            break;
          case Kind.Awareness:
            room.applyPeerAwareness(decoding.readVarUint8Array(decoder));
            break;
          case Kind.Ask:
            this.#answer(boardId, room, sender, decoding.readVarUint8Array(decoder));
            break;
          case Kind.Answer: {
            const peer = readPeerUpdate(decoder);
            if (peer.update.byteLength > EMPTY_UPDATE_BYTES) room.applyPeerUpdate(peer);
            const theirs = decoding.readVarUint8Array(decoder);
            const presence = decoding.readVarUint8Array(decoder);
            if (presence.byteLength > 0) room.applyPeerAwareness(presence);
            // What the answerer lacks, everyone holding the board may lack too.
            const missing = room.peerUpdateSince(theirs);
            if (missing.update.byteLength > EMPTY_UPDATE_BYTES) this.shareUpdate(boardId, missing);
            const waiting = this.#awaited.get(boardId);
            if (waiting && --waiting.left <= 0) waiting.answered();
            break;
          }
          default:
            this.log.warn({ boardId, kind }, 'an unknown board message from another process');
        }
      }
      if (gap) void this.#ask(boardId);
    } catch (err) {
      this.log.error(
        { err, boardId },
        'a board message from another process could not be applied; asking again',
      );
      void this.#ask(boardId);
    }
  }

  #answer(boardId: string, room: PeerRoom, asker: string, stateVector: Uint8Array): void {
    const missing = room.peerUpdateSince(stateVector);
    const presence = room.localAwareness();
    this.#publish(boardId, Kind.Answer, asker, (encoder) => {
      writePeerUpdate(encoder, missing);
      encoding.writeVarUint8Array(encoder, room.stateVector());
      encoding.writeVarUint8Array(encoder, presence ?? new Uint8Array());
    });
  }

  /** Records a message's sequence number; true when messages from its sender were missed. */
  #noteHeard(boardId: string, sender: string, seq: number): boolean {
    let heard = this.#heard.get(boardId);
    if (!heard) {
      heard = new Map();
      this.#heard.set(boardId, heard);
    }
    const last = heard.get(sender);
    heard.set(sender, seq);
    return last !== undefined && seq > last + 1;
  }
}
