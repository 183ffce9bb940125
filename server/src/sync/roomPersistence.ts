import type { BoardStorage } from '../storage/BoardStorage.ts';
import type { RoomPersistence } from './roomContract.ts';

/** A room's persistence on board storage: the board and its client ids in, changes out, flushed and folded on unload. */
export function roomPersistence(storage: BoardStorage): RoomPersistence {
  return {
    load: async (boardId) => {
      const [state, clients] = await Promise.all([storage.load(boardId), storage.loadClients(boardId)]);
      return { state, clients };
    },
    // Durability is the storage's to track: its flush waits for every append, and it logs a refusal.
    store: (boardId, change) => void storage.append(boardId, change),
    bind: (boardId, bindings) => storage.bindClients(boardId, bindings),
    unload: async (boardId) => {
      await storage.flush();
      await storage.compact(boardId);
    },
  };
}
