import { describe, expect, it } from 'vitest';
import { RequestWindow } from '../src/limits/requestWindow.ts';

describe('a window of requests per person', () => {
  it('answers up to its limit within the window, refuses more, and answers again as the window moves on', async () => {
    let now = 0;
    const window = new RequestWindow(3, 60_000, () => now);
    const ask = (key: string) => window.run(key, async () => 'answered');
    for (let i = 0; i < 3; i++) {
      expect(await ask('grace')).toBe('answered');
      now += 10_000;
    }
    expect(await ask('grace')).toBe('too-many');
    // Someone else is answered meanwhile.
    expect(await ask('priya')).toBe('answered');
    // The first of Grace's three leaves the window: one more is answered, then none again.
    now = 60_001;
    expect(await ask('grace')).toBe('answered');
    expect(await ask('grace')).toBe('too-many');
  });

  it('answers one request of a person at a time, and the next once it is answered, even when the work fails', async () => {
    const window = new RequestWindow(10, 60_000);
    let finish!: () => void;
    const slow = window.run(
      'grace',
      () => new Promise<string>((resolve) => (finish = () => resolve('slow'))),
    );
    expect(await window.run('grace', async () => 'second')).toBe('busy');
    expect(await window.run('priya', async () => 'hers')).toBe('hers');
    finish();
    expect(await slow).toBe('slow');
    await expect(window.run('grace', async () => Promise.reject(new Error('no board')))).rejects.toThrow(
      'no board',
    );
    expect(await window.run('grace', async () => 'third')).toBe('third');
  });
});
