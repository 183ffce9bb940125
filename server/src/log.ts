import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout; pipe through `pino-pretty` to read them in a terminal. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'huddle' } });
}
