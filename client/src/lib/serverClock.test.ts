import { describe, expect, it } from 'vitest';
import { serverClockOffset } from './serverClock.ts';

describe('the server clock offset', () => {
  it('trusts the quickest round trip and corrects a browser clock that is wrong', async () => {
    // The browser's clock is 90 s behind the server's; round trips take 400, 40 and 200 ms.
    let browser = 1_000_000;
    const trips = [400, 40, 200];
    const ask = async () => {
      const trip = trips.shift()!;
      browser += trip / 2;
      const answer = { now: browser + 90_000 };
      browser += trip / 2;
      return answer;
    };
    const offset = await serverClockOffset(ask, 3, () => browser);
    expect(offset).toBeCloseTo(90_000, 0);
  });
});
