import { describe, it } from 'vitest';
import { boardStorageContract } from './storageContract.ts';

if (process.env.DATABASE_URL) {
  boardStorageContract('postgres');
} else {
  describe('board storage on postgres', () => {
    it.skip('runs when DATABASE_URL is set (CI sets it)', () => {});
  });
}
