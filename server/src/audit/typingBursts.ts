import { createHash, randomBytes } from 'node:crypto';
import { spliceBetween, type TextSplice } from '#shared/textSplice';

/**
 * Typing into a shared text field changes it once a keystroke. The audit trail keeps such typing
 * as bursts: the first row of a burst holds the text before and after in full, each later
 * keystroke only what it did to the text (a splice), so a note of n characters costs O(n)
 * storage rather than n copies of itself. Reading the trail folds each burst into one entry.
 */

/** A pause in one person's typing longer than this ends their burst in that field. */
export const BURST_PAUSE_MS = 2 * 60_000;
/** A burst ends after this long, however steady the typing (a later burst starts from the full text). */
const BURST_LONGEST_MS = 30 * 60_000;
/** ... or after this many keystrokes. */
const BURST_MOST_SPLICES = 1_000;
/** Bursts held open at most, across this server's boards; past it, ended ones are cleared out. */
const SWEEP_ABOVE = 1_000;

/** Where a change to a text field goes in the trail: a new burst (full text), or a splice of an open one. */
export type BurstPlace = { burst: string; splice: null } | { burst: string; splice: TextSplice };

interface OpenBurst {
  burst: string;
  userId: string;
  startedAt: number;
  lastAt: number;
  /** A digest of the text as the burst's last row left it (the text itself could be long). */
  text: string;
  splices: number;
}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/** A burst's key: short, random, never reused. */
function newBurst(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The bursts of typing open on this server, per board, record and field. A change continues its
 * field's burst when the same person made it, soon after the last, to the text as the burst left
 * it; anything else (someone else's change, the server's, a pause, a restart) starts a new one.
 */
export class TypingBursts {
  #open = new Map<string, OpenBurst>();

  /** Where a person's change of a text field from `before` to `after` goes in the trail. */
  place(
    field: { boardId: string; recordType: string; recordId: string; field: string },
    userId: string,
    at: Date,
    before: string,
    after: string,
  ): BurstPlace {
    const key = `${field.boardId}\u0000${field.recordType}\u0000${field.recordId}\u0000${field.field}`;
    const now = at.getTime();
    const open = this.#open.get(key);
    if (
      open &&
      open.userId === userId &&
      open.text === digest(before) &&
      now - open.lastAt <= BURST_PAUSE_MS &&
      now - open.startedAt <= BURST_LONGEST_MS &&
      open.splices < BURST_MOST_SPLICES
    ) {
      open.lastAt = now;
      open.text = digest(after);
      open.splices += 1;
      return { burst: open.burst, splice: spliceBetween(before, after) };
    }
    if (this.#open.size >= SWEEP_ABOVE) this.#sweep(now);
    const burst = newBurst();
    this.#open.delete(key);
    this.#open.set(key, { burst, userId, startedAt: now, lastAt: now, text: digest(after), splices: 0 });
    return { burst, splice: null };
  }

  /** Ends the burst open in a field (changed by the server, or to something that is not text). */
  end(field: { boardId: string; recordType: string; recordId: string; field: string }): void {
    this.#open.delete(`${field.boardId}\u0000${field.recordType}\u0000${field.recordId}\u0000${field.field}`);
  }

  /** Fields with a burst open: what the server holds in memory for them. */
  get size(): number {
    return this.#open.size;
  }

  /**
   * Clears out bursts that have ended by their pause, then, if as many are still open, the longest
   * open (their next keystroke starts a new burst): memory stays bounded however many type at once.
   */
  #sweep(now: number): void {
    for (const [key, open] of this.#open) if (now - open.lastAt > BURST_PAUSE_MS) this.#open.delete(key);
    for (const key of this.#open.keys()) {
      if (this.#open.size < SWEEP_ABOVE / 2) break;
      this.#open.delete(key);
    }
  }
}
