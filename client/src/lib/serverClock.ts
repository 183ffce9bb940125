/**
 * How far the server's clock is ahead of this browser's, in milliseconds, from a few round trips
 * asking it the time: the one that came back quickest is trusted, taking the server's answer to
 * have been read halfway through it. Meeting timers add this to the browser's clock, so every
 * screen shows the same time however wrong its own clock is.
 */
export async function serverClockOffset(
  ask: () => Promise<{ now: number }>,
  rounds = 3,
  clock: () => number = () => Date.now(),
): Promise<number> {
  let best: { roundTrip: number; offset: number } | null = null;
  for (let i = 0; i < rounds; i++) {
    const sent = clock();
    const { now } = await ask();
    const received = clock();
    const roundTrip = received - sent;
    const offset = now - (sent + received) / 2;
    if (!best || roundTrip < best.roundTrip) best = { roundTrip, offset };
  }
  return best?.offset ?? 0;
}
