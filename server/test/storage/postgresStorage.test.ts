import { describe, it } from 'vitest';
import { boardStorageContract } from './storageContract.ts';
import { postgresBoardStorageSuite, postgresStorageUnderTest } from './postgresStorageSuite.ts';

if (process.env.DATABASE_URL) {
  boardStorageContract('Postgres storage on Postgres', () => postgresStorageUnderTest('postgres'));
  postgresBoardStorageSuite('postgres');
} else {
  describe('board storage on postgres', () => {
    it.skip('runs when DATABASE_URL is set (CI sets it)', () => {});
  });
}
