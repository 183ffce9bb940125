import type { BoardVersionSummary, SaveVersionRequest } from '#shared/versions';
import { jsonBody, requestBytes, requestJson } from './http.ts';

const versionsPath = (boardId: string): string => `/api/boards/${encodeURIComponent(boardId)}/versions`;

/** The board's versions, newest first. */
export function listVersions(boardId: string): Promise<BoardVersionSummary[]> {
  return requestJson<BoardVersionSummary[]>(versionsPath(boardId));
}

/** Saves the board as it is now, with a label. */
export function saveVersion(boardId: string, request: SaveVersionRequest): Promise<BoardVersionSummary> {
  return requestJson<BoardVersionSummary>(versionsPath(boardId), { method: 'POST', ...jsonBody(request) });
}

/** One version's document, as a Yjs update. */
export function getVersionState(boardId: string, versionId: string): Promise<Uint8Array> {
  return requestBytes(`${versionsPath(boardId)}/${encodeURIComponent(versionId)}/state`);
}
