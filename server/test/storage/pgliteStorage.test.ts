import { boardStorageContract } from './storageContract.ts';

boardStorageContract('pglite');
