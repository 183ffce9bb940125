import { boardStorageContract } from './storageContract.ts';
import { postgresBoardStorageSuite, postgresStorageUnderTest } from './postgresStorageSuite.ts';

boardStorageContract('Postgres storage on PGlite', () => postgresStorageUnderTest('pglite'));
postgresBoardStorageSuite('pglite');
