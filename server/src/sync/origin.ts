/** The signed-in user a connection belongs to, as the audit trail and presence name them. */
export interface ConnectionUser {
  id: string;
  name: string;
  organisation: string | null;
  organisationId: string | null;
}

/**
 * The origin every transaction on a server-side board document carries. Echo, storage and
 * audit decisions are made from it.
 */
export type TransactionOrigin =
  | { source: 'connection'; connectionId: string; user: ConnectionUser | null }
  | { source: 'storage' }
  /** Changes the server makes itself; `user` when it acts for someone (creating their board). */
  | { source: 'server'; user?: ConnectionUser };

/** Updates read back from storage: applied, never written again or broadcast. */
export const STORAGE_ORIGIN: TransactionOrigin = Object.freeze({ source: 'storage' });
/** Changes the server itself makes (seeding, migrations of board content). */
export const SERVER_ORIGIN: TransactionOrigin = Object.freeze({ source: 'server' });

export function isTransactionOrigin(value: unknown): value is TransactionOrigin {
  return typeof value === 'object' && value !== null && 'source' in value;
}

/**
 * Changes and presence another server process kept and passed on (over Redis when several run):
 * applied and shown to this process's connections, stored beside the other process's copy, never
 * checked, audited or passed on again. Not a `TransactionOrigin`: no hook ever sees it.
 */
export const PEER_ORIGIN = Object.freeze({ source: 'peer' as const });
