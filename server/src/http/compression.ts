import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyRequest } from 'fastify';

/**
 * Gzip for the few large answers worth it (a board's snapshot, a version's document), in zlib's
 * thread pool rather than on the event loop every board shares. Everything else is small JSON.
 */
const gzipAsync = promisify(gzip);
export const gzipped = (bytes: Buffer): Promise<Buffer> => gzipAsync(bytes, { level: 6 });

/** Whether the request takes a gzipped answer (every browser does; `gzip;q=0` does not). */
export function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  return typeof header === 'string' && negotiate(header, ['gzip', 'identity']) === 'gzip';
}

/** Whether `If-None-Match` names `tag` (weakly: `W/` aside), or is `*`. */
export function matchesTag(request: FastifyRequest, tag: string): boolean {
  const header = request.headers['if-none-match'];
  if (typeof header !== 'string' || header.length > 1024) return false;
  const bare = (value: string) => value.trim().replace(/^W\//, '');
  return header.split(',').some((value) => value.trim() === '*' || bare(value) === bare(tag));
}
