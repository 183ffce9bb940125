import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { forgetEarlyAnswers } from './earlyAnswers.ts';
import { ApiRequestError, requestJson } from './http.ts';

const json = (body: unknown, status = 200): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('answers asked for before the app started', () => {
  const fetched: string[] = [];

  beforeEach(() => {
    fetched.length = 0;
    // As `index.html` sends them: a failure is noted as handled until the app takes it up.
    const failed = Promise.reject(new TypeError('Failed to fetch'));
    failed.catch(() => undefined);
    vi.stubGlobal('window', {
      huddleEarlyAnswers: {
        '/api/boards/b1/snapshot': Promise.resolve(json({ people: ['early'] })),
        '/api/auth/session': Promise.resolve(json({ error: 'Sign in to continue' }, 401)),
        '/api/boards/b2': failed,
      },
    });
    vi.stubGlobal('fetch', async (path: string) => {
      fetched.push(path);
      return json({ people: ['asked again'] });
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('are taken up once, in place of asking, and only for the path they answer', async () => {
    expect(await requestJson('/api/boards/b1/snapshot')).toEqual({ people: ['early'] });
    expect(fetched).toEqual([]);
    expect(await requestJson('/api/boards/b1/snapshot')).toEqual({ people: ['asked again'] });
    expect(await requestJson('/api/boards/b3/snapshot')).toEqual({ people: ['asked again'] });
    expect(fetched).toEqual(['/api/boards/b1/snapshot', '/api/boards/b3/snapshot']);
  });

  it('are read as any answer is: a refusal is the server’s message, a failed request a connection problem', async () => {
    const refused = await requestJson('/api/auth/session', { unauthorisedIsAnswer: true }).catch((e) => e);
    expect(refused).toBeInstanceOf(ApiRequestError);
    expect(refused).toMatchObject({ status: 401, message: 'Sign in to continue' });
    const failed = await requestJson('/api/boards/b2').catch((e) => e);
    expect(failed).toMatchObject({
      status: 0,
      message: expect.stringContaining('could not reach the server'),
    });
    expect(fetched).toEqual([]);
  });

  it('never answer a change, and are forgotten once the page moves on', async () => {
    await requestJson('/api/boards/b1/snapshot', { method: 'POST', body: '{}' });
    expect(fetched).toEqual(['/api/boards/b1/snapshot']);
    forgetEarlyAnswers();
    expect(await requestJson('/api/boards/b1/snapshot')).toEqual({ people: ['asked again'] });
    expect(fetched).toHaveLength(2);
  });
});
