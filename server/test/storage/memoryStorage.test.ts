import { MemoryBoards, MemoryBoardStorage } from '../support/memoryStorage.ts';
import { boardStorageContract } from './storageContract.ts';

// The storage the room tests run on keeps the same contract as the database's.
boardStorageContract('in memory', async () => {
  const boards = new MemoryBoards();
  let seq = 0;
  return {
    storage: () => new MemoryBoardStorage(boards),
    newBoard: async () => {
      const id = `board-${++seq}`;
      new MemoryBoardStorage(boards).createBoard(id);
      return id;
    },
    newUser: async () => `user-${++seq}`,
    close: async () => undefined,
  };
});
