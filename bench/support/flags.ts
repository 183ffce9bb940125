/**
 * A number from a flag or, when the flag is not given, the environment variable `env`; `fallback`
 * when neither says. Anything else than a number of at least `min` stops the benchmark, saying so.
 */
export function numberFlag(flag: string | undefined, env: string, fallback: number, min: number): number {
  const raw = flag ?? process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`${env} / flag must be a number >= ${min}, got "${raw}"`);
  return value;
}
