import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import type { ClientBinding } from './boardChange.ts';

/**
 * The client ids an update (Yjs format 1) holds structs of. Nearly every update a browser sends
 * holds one client's: its id is in the update's first bytes, and nothing else needs decoding.
 */
function clientsOf(update: Uint8Array): Iterable<number> {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count === 0) return [];
  if (count === 1) {
    decoding.readVarUint(decoder); // how many structs
    return [decoding.readVarUint(decoder)];
  }
  return Y.parseUpdateMeta(update).from.keys();
}

/** Past every clock a client could reach: `diffUpdate` against it drops all of that client's structs. */
const BEYOND_ANY_CLOCK = 2 ** 52;

/**
 * Which user writes under each Yjs document client id of one board. A Yjs client id names whose
 * clock a struct advances; a member writing under a colleague's id would make the colleague's own
 * edits under it look already known, and they would never be stored. So an id belongs for good to
 * the user who first used it (in presence, when a browser connects, or in a change), and structs
 * under an id that is someone else's are dropped: each person's content reaches the server from
 * their own browser only. A binding is stored before anything under its id is shared (see the
 * room), so after a crash every id whose content anyone could hand back is already bound.
 */
export class DocumentClients {
  readonly #owners: Map<number, string>;
  readonly #server = new Set<number>();

  constructor(stored: ReadonlyMap<number, string>) {
    this.#owners = new Map(stored);
  }

  /** The server writes under this id (undoing refused changes): nobody else may. */
  reserve(clientId: number): void {
    this.#server.add(clientId);
  }

  isServer(clientId: number): boolean {
    return this.#server.has(clientId);
  }

  /**
   * What another server process says of ids it has seen: their owners and its own ids. An id
   * already bound here keeps its owner (both processes stored the first binding they saw, and the
   * database keeps the first of those).
   */
  learn(owners: readonly ClientBinding[], serverIds: readonly number[]): void {
    for (const id of serverIds) if (!this.#owners.has(id)) this.#server.add(id);
    for (const { clientId, userId } of owners) {
      if (!this.#server.has(clientId) && !this.#owners.has(clientId)) this.#owners.set(clientId, userId);
    }
  }

  /** The database's word, over this process's: these ids were bound first to these users. */
  correct(bindings: readonly ClientBinding[]): void {
    for (const { clientId, userId } of bindings) this.#owners.set(clientId, userId);
  }

  /** The owners this board knows of the client ids an update holds structs of, and the server's among them. */
  describe(update: Uint8Array): { owners: ClientBinding[]; serverIds: number[] } {
    const owners: ClientBinding[] = [];
    const serverIds: number[] = [];
    for (const clientId of clientsOf(update)) {
      if (this.#server.has(clientId)) serverIds.push(clientId);
      const userId = this.#owners.get(clientId);
      if (userId !== undefined) owners.push({ clientId, userId });
    }
    return { owners, serverIds };
  }

  ownerOf(clientId: number): string | undefined {
    return this.#owners.get(clientId);
  }

  /**
   * Whether `userId` may use `clientId`: it is theirs, or nobody's yet (then it becomes theirs, and
   * the binding is returned to be stored). Null when it is someone else's or the server's.
   */
  claim(clientId: number, userId: string): { binding: ClientBinding | null } | null {
    if (this.#server.has(clientId)) return null;
    const owner = this.#owners.get(clientId);
    if (owner !== undefined) return owner === userId ? { binding: null } : null;
    this.#owners.set(clientId, userId);
    return { binding: { clientId, userId } };
  }

  /**
   * The part of an update `userId` may write: structs under ids that are theirs or nobody's
   * (claimed for them now: `claims` lists the new bindings). `foreign` lists the ids whose structs
   * were dropped. `userId` null (a connection without a user, only in tests) may write under any
   * id but the server's.
   */
  admit(
    update: Uint8Array,
    userId: string | null,
  ): { update: Uint8Array; foreign: number[]; claims: ClientBinding[] } {
    const foreign: number[] = [];
    const claims: ClientBinding[] = [];
    for (const clientId of clientsOf(update)) {
      if (this.#server.has(clientId)) foreign.push(clientId);
      else if (userId === null) continue;
      else {
        const claim = this.claim(clientId, userId);
        if (!claim) foreign.push(clientId);
        else if (claim.binding) claims.push(claim.binding);
      }
    }
    if (foreign.length === 0) return { update, foreign, claims };
    const dropped = Y.encodeStateVector(new Map(foreign.map((id) => [id, BEYOND_ANY_CLOCK])));
    return { update: Y.diffUpdate(update, dropped), foreign, claims };
  }
}
