/** How many connections one user, and one address, may hold open at once on one channel. */
export interface ConnectionLimitConfig {
  perUser: number;
  perAddress: number;
}

/** Why a connection was refused, in words, or null when it may open. */
export type LimitRefusal = { status: 429; message: string } | null;

/**
 * Counts open connections by user and by address, for one channel (Yjs sync, socket.io). A user
 * with a thousand sockets, or a thousand unauthenticated handshakes from one address, is refused
 * with a clear 429 while everyone else carries on.
 */
export class ConnectionLimits {
  readonly #byUser = new Map<string, number>();
  readonly #byAddress = new Map<string, number>();

  constructor(
    private readonly config: ConnectionLimitConfig,
    /** "Huddle tabs", "board connections": what the message counts. */
    private readonly what: string,
  ) {}

  /** Whether a connection from `address` (and `userId`, once known) may open now. */
  check(address: string, userId: string | null): LimitRefusal {
    if ((this.#byAddress.get(address) ?? 0) >= this.config.perAddress) {
      return {
        status: 429,
        message: `Too many ${this.what} are open from this network address. Try again later.`,
      };
    }
    if (userId !== null && (this.#byUser.get(userId) ?? 0) >= this.config.perUser) {
      return {
        status: 429,
        message: `You have ${this.config.perUser} ${this.what} open, the most Huddle allows. Close some and try again.`,
      };
    }
    return null;
  }

  /** Counts an opened connection; the function it returns uncounts it (call it once, when it closes). */
  open(address: string, userId: string | null): () => void {
    bump(this.#byAddress, address, 1);
    if (userId !== null) bump(this.#byUser, userId, 1);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      bump(this.#byAddress, address, -1);
      if (userId !== null) bump(this.#byUser, userId, -1);
    };
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
