import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { CloseCode } from '#shared/sync/closeCodes';
import type { ClientBinding } from './boardChange.ts';
import type { DocumentClients } from './documentClients.ts';
import {
  MalformedMessageError,
  ProtocolViolation,
  type RoomConnection,
  type RoomLimits,
} from './roomContract.ts';

/**
 * Who may say what about presence on one board: each awareness client id belongs to the connection
 * that set it (and, for good, to its user, like the document's client ids), a connection holds a
 * bounded number of entries of bounded size, and every entry's `user` is the connection's
 * signed-in user, whatever the client sent, so nobody can appear as someone else.
 */
export class RoomPresence {
  /** The awareness client ids each connection holds. */
  readonly #held = new Map<RoomConnection, Set<number>>();
  /** Which connection each awareness client id belongs to. */
  readonly #owners = new Map<number, RoomConnection>();

  constructor(
    private readonly limits: RoomLimits,
    private readonly clients: () => DocumentClients,
  ) {}

  join(connection: RoomConnection): void {
    this.#held.set(connection, new Set());
  }

  /** The client ids a leaving connection held, whose presence is to be removed. */
  leave(connection: RoomConnection): number[] {
    const ids = [...(this.#held.get(connection) ?? [])];
    this.#held.delete(connection);
    for (const id of ids) this.#owners.delete(id);
    return ids;
  }

  /**
   * The part of an awareness update a connection may make: entries for its own client ids (or new
   * ones nobody else has), with `user` set to the connection's signed-in user (`own` null when
   * nothing is left), and the client id bindings it makes. Too many entries, or one too large,
   * break the limits.
   */
  admit(connection: RoomConnection, update: Uint8Array): { own: Uint8Array | null; claims: ClientBinding[] } {
    const claims: ClientBinding[] = [];
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const held = this.#held.get(connection) ?? new Set<number>();
    const limit = this.limits.maxPresencePerConnection;
    if (count > limit) {
      throw new ProtocolViolation(CloseCode.PresenceLimit, `${count} presence entries in one message`);
    }
    const entries: { clientId: number; clock: number; state: string }[] = [];
    let added = 0;
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const raw = decoding.readVarString(decoder);
      if (raw.length > this.limits.maxPresenceBytes) {
        throw new ProtocolViolation(CloseCode.PresenceLimit, `a presence entry of ${raw.length} characters`);
      }
      const owner = this.#owners.get(clientId);
      if (owner && owner !== connection) continue;
      const state: unknown = JSON.parse(raw);
      if (state === null) {
        entries.push({ clientId, clock, state: raw });
        continue;
      }
      if (typeof state !== 'object' || Array.isArray(state)) continue; // not a presence state
      if (connection.user) {
        const claim = this.clients().claim(clientId, connection.user.id);
        if (!claim) continue;
        if (claim.binding) claims.push(claim.binding);
      }
      if (!held.has(clientId) && held.size + ++added > limit) {
        throw new ProtocolViolation(CloseCode.PresenceLimit, `more than ${limit} presence entries`);
      }
      // The state is this message's own (just parsed): set in place, not spread and added to, which
      // in Node 20 is slow to make and lands in the old generation.
      if (connection.user) (state as Record<string, unknown>).user = connection.user;
      entries.push({ clientId, clock, state: JSON.stringify(state) });
    }
    if (decoding.hasContent(decoder)) throw new MalformedMessageError('unexpected bytes after the message');
    if (entries.length === 0) return { own: null, claims };
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, entries.length);
    for (const entry of entries) {
      encoding.writeVarUint(encoder, entry.clientId);
      encoding.writeVarUint(encoder, entry.clock);
      encoding.writeVarString(encoder, entry.state);
    }
    return { own: encoding.toUint8Array(encoder), claims };
  }

  /** Every client id this process's connections hold. */
  heldIds(): number[] {
    return [...this.#owners.keys()];
  }

  /** Notes which client ids a connection's applied awareness update added and removed. */
  applied(connection: RoomConnection, added: readonly number[], removed: readonly number[]): void {
    const held = this.#held.get(connection);
    if (!held) return;
    for (const id of added) {
      held.add(id);
      this.#owners.set(id, connection);
    }
    for (const id of removed) {
      held.delete(id);
      this.#owners.delete(id);
    }
  }
}

/**
 * Whose each entry of an awareness update another server process passed on is, by the signed-in
 * user its room put in it; entries without one (removals) say nothing.
 */
export function presenceOwners(update: Uint8Array): ClientBinding[] {
  const owners: ClientBinding[] = [];
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    decoding.readVarUint(decoder); // clock
    const state: unknown = JSON.parse(decoding.readVarString(decoder));
    const user = typeof state === 'object' && state !== null ? (state as { user?: unknown }).user : undefined;
    const userId = typeof user === 'object' && user !== null ? (user as { id?: unknown }).id : undefined;
    if (typeof userId === 'string') owners.push({ clientId, userId });
  }
  return owners;
}
