import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HttpError, isStorableText } from './errors.ts';

/**
 * What every id Huddle makes looks like: a UUID, or one of the demo's names such as
 * `riverside-frailty-mdt`. Anything else in an id's place names nothing that exists.
 */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Whether a string could be an id of something Huddle made (a board, a team, a user...). */
export const isResourceId = (value: string): boolean => ID_PATTERN.test(value);

/** A path parameter naming one `what`; anything that cannot be an id is a 404 saying so. */
const idOf = (what: string) => {
  const message = `There is no ${what} with that id`;
  return z.string({ error: message }).regex(ID_PATTERN, message);
};

/** Each route's path parameters, typed. */
export const organisationParams = z.object({ id: idOf('organisation') });
export const userParams = z.object({ id: idOf('user') });
export const teamParams = z.object({ id: idOf('team') });
export const teamMemberParams = z.object({ id: idOf('team'), userId: idOf('user') });
export const boardParams = z.object({ id: idOf('board') });
export const versionParams = z.object({
  id: idOf('board'),
  versionId: z
    .string({ error: 'There is no version with that id' })
    .regex(/^[1-9][0-9]{0,17}$/, 'There is no version with that id'),
});

export const meetingParams = z.object({ id: idOf('board'), meetingId: idOf('meeting') });

/** A route's path parameters by its schema: 404 with the schema's message when one names nothing. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.output<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  throw new HttpError(404, parsed.error.issues[0]?.message ?? 'There is nothing at this address');
}

/** Longer than any path parameter or query value Huddle reads. */
const MAX_PART_LENGTH = 2000;
/** More values for one query name than any route reads. */
const MAX_REPEATS = 100;

/** What is wrong with one path parameter or query value, if anything. */
function addressProblem(value: unknown): string | null {
  // A query name given more than once is a flat list of strings.
  const values: unknown[] = Array.isArray(value) ? value : [value];
  if (values.length > MAX_REPEATS) return 'This address repeats a part too many times';
  for (const item of values) {
    if (typeof item !== 'string') continue;
    if (item.length > MAX_PART_LENGTH) return 'This address is too long';
    if (!isStorableText(item))
      return 'This address holds a character Huddle cannot read (a null character or a broken symbol)';
  }
  return null;
}

/**
 * The safety net under every route's own checks: a path parameter or query value holding what
 * Postgres text cannot (a NUL, a broken symbol) or of absurd length is a 400 before any hook or
 * handler sees it, even on a route that forgot to check its input.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const params = (request.params ?? {}) as Record<string, unknown>;
    const query = (request.query ?? {}) as Record<string, unknown>;
    for (const part of [params, query]) {
      for (const [key, value] of Object.entries(part)) {
        const problem = addressProblem(key) ?? addressProblem(value);
        if (problem !== null) throw new HttpError(400, problem);
      }
    }
  });
}
