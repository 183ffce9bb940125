import * as Y from 'yjs';
import type { ClientBinding } from './boardChange.ts';

/** Past every clock a client could reach: `diffUpdate` against it drops all of that client's structs. */
const BEYOND_ANY_CLOCK = 2 ** 52;

/**
 * Which user writes under each Yjs document client id of one board. A Yjs client id names whose
 * clock a struct advances; a member writing under a colleague's id would make the colleague's own
 * edits under it look already known, and they would never be stored. So an id belongs to the user
 * who first used it (presence names it when a browser connects, before it writes), for good, and
 * content under an id that belongs to someone else is dropped. Ids nobody has claimed are taken as
 * they come, unbound: a browser hands back other people's edits the server lost in a crash.
 */
export class DocumentClients {
  readonly #owners: Map<number, string>;
  readonly #server = new Set<number>();
  #unsaved: ClientBinding[] = [];

  constructor(stored: ReadonlyMap<number, string>) {
    this.#owners = new Map(stored);
  }

  /** The server writes under this id (its own changes, and undoing refused ones): nobody else may. */
  reserve(clientId: number): void {
    this.#server.add(clientId);
  }

  ownerOf(clientId: number): string | undefined {
    return this.#owners.get(clientId);
  }

  /**
   * Claims `clientId` for `userId` (it appeared in their presence, or they wrote under it). False
   * when it belongs to someone else or to the server.
   */
  claim(clientId: number, userId: string): boolean {
    if (this.#server.has(clientId)) return false;
    const owner = this.#owners.get(clientId);
    if (owner !== undefined) return owner === userId;
    this.#owners.set(clientId, userId);
    this.#unsaved.push({ clientId, userId });
    return true;
  }

  /**
   * The part of an update `userId` may write: structs under ids that are theirs, that they claim
   * now (`own`: their connection's presence ids), or that nobody has claimed. `foreign` lists the
   * ids whose structs were dropped. `userId` null (a connection without a user, only in tests)
   * may write under any id but the server's.
   */
  admit(
    update: Uint8Array,
    userId: string | null,
    own: ReadonlySet<number>,
  ): { update: Uint8Array; foreign: number[] } {
    const foreign: number[] = [];
    for (const clientId of Y.parseUpdateMeta(update).from.keys()) {
      if (this.#server.has(clientId)) foreign.push(clientId);
      else if (userId === null) continue;
      else if (own.has(clientId)) {
        if (!this.claim(clientId, userId)) foreign.push(clientId);
      } else {
        const owner = this.#owners.get(clientId);
        if (owner !== undefined && owner !== userId) foreign.push(clientId);
      }
    }
    if (foreign.length === 0) return { update, foreign };
    const dropped = Y.encodeStateVector(new Map(foreign.map((id) => [id, BEYOND_ANY_CLOCK])));
    return { update: Y.diffUpdate(update, dropped), foreign };
  }

  /** Bindings made since the last call, to be stored with the board's next change. */
  takeUnsaved(): ClientBinding[] {
    const unsaved = this.#unsaved;
    this.#unsaved = [];
    return unsaved;
  }
}
