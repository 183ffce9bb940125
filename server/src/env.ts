import { z } from 'zod';

/*
 * Reading environment variables with zod: what each one may hold, its default, and a message naming
 * the variable and what it takes when it holds something else. `config.ts` builds the one schema of
 * every variable from these.
 */

/** An unset variable, and one set to nothing (`FOO=`), both read as unset. */
const raw = z.string().optional();

/**
 * Refuses a value in a transform: the message says what the variable takes (`readEnv` puts its name
 * in front, unless the message starts with it).
 */
export function refuseValue(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER;
}

/** A whole number of 0 or more; `fallback` when unset. */
export const wholeNumber = (fallback: number) =>
  raw.transform((value, ctx) => {
    if (value === undefined || value === '') return fallback;
    const number = Number(value);
    if (Number.isInteger(number) && number >= 0) return number;
    return refuseValue(ctx, `must be a whole number of 0 or more, got "${value}"`);
  });

/** `true` or `false` (any case); `fallback` when unset. */
export const trueOrFalse = (fallback: boolean) =>
  raw.transform((value, ctx) => {
    if (value === undefined || value === '') return fallback;
    const word = value.trim().toLowerCase();
    if (word === 'true' || word === 'false') return word === 'true';
    return refuseValue(ctx, `must be true or false, got "${value}"`);
  });

/** Text, trimmed; undefined when unset or blank. */
export const optionalText = raw.transform((value) => value?.trim() || undefined);

/** Text as it is (a path, a connection string); undefined when unset or empty. */
export const optionalRaw = raw.transform((value) => value || undefined);

/** An http or https address, as its origin (`https://huddle.example.nhs.uk`); null when unset. */
export const httpOrigin = raw.transform((value, ctx) => {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.origin;
  } catch {
    // refused below
  }
  return refuseValue(
    ctx,
    `must be an http or https address, like https://huddle.example.nhs.uk, got "${value}"`,
  );
});

/** A value read by `parse`, which throws an error saying what the variable takes. */
export const parsedBy = <T>(parse: (value: string | undefined) => T) =>
  raw.transform((value, ctx) => {
    try {
      return parse(value);
    } catch (error) {
      return refuseValue(ctx, error instanceof Error ? error.message : String(error));
    }
  });

/**
 * Reads `env` with `schema`, or throws one error naming every variable that holds something it
 * does not take.
 */
export function readEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return name && !issue.message.startsWith(name) ? `${name} ${issue.message}` : issue.message;
  });
  throw new Error(problems.join('; '));
}

/** An smtp or smtps address (`smtp://user:pass@mail.example:587`); null when unset. */
export const smtpUrl = raw.transform((value, ctx) => {
  if (!value) return null;
  try {
    const url = new URL(value);
    if (url.protocol === 'smtp:' || url.protocol === 'smtps:') return url.href;
  } catch {
    // refused below
  }
  return refuseValue(ctx, 'must be an smtp:// or smtps:// address');
});
