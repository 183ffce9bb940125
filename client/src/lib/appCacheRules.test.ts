import { describe, expect, it } from 'vitest';
import { KEPT_API_ANSWERS, isKeptApiAnswer } from './appCacheRules.ts';

describe('the API answers kept for opening offline', () => {
  it('are the app’s reads, with their queries', () => {
    for (const path of [
      '/api/auth/session',
      '/api/boards',
      '/api/boards/b1',
      '/api/boards/b1/members',
      '/api/boards/b1/history?recordType=person&recordId=p1',
      '/api/work?status=open',
      '/api/clockwork',
    ]) {
      expect(isKeptApiAnswer(path), path).toBe(true);
    }
  });

  it('are not downloads, whole documents, snapshots, the clock, or anything outside the API', () => {
    for (const path of [
      '/api/boards/b1/snapshot',
      '/api/boards/b1/snapshot?x=1',
      '/api/boards/b1/versions/v1/state',
      '/api/admin/audit.csv',
      '/api/admin/audit.csv?from=2026-01-01',
      '/api/clock',
      '/api/clock?t=1',
      '/boards/b1',
      '/assets/index.js',
      '/yjs/b1',
    ]) {
      expect(isKeptApiAnswer(path), path).toBe(false);
    }
  });

  it('match the whole address, as the service worker sees a request', () => {
    expect(KEPT_API_ANSWERS.test('https://huddle.example.nhs.uk/api/boards/b1')).toBe(true);
    expect(KEPT_API_ANSWERS.test('https://huddle.example.nhs.uk/elsewhere/api/boards/b1')).toBe(false);
  });
});
