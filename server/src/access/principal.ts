import type { GlobalRole } from '#shared/access';

/** The signed-in user behind a request or a socket, as their session found them. */
export interface Principal {
  sessionId: string;
  userId: string;
  name: string;
  email: string;
  role: GlobalRole | null;
  organisationId: string | null;
  organisationName: string | null;
  mustChangePassword: boolean;
  /** When the session ends however active (ms since the epoch). */
  sessionEndsAt: number;
}
