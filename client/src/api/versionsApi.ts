import type {
  BoardVersionSummary,
  RestoredRequest,
  SaveVersionRequest,
  VersionChanges,
} from '#shared/versions';
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

/** What changed since a version: to another (by id) or to the board now. */
export function getVersionChanges(boardId: string, versionId: string, to: string): Promise<VersionChanges> {
  const search = new URLSearchParams({ to });
  return requestJson<VersionChanges>(
    `${versionsPath(boardId)}/${encodeURIComponent(versionId)}/changes?${search}`,
  );
}

/** Notes in the audit trail that a record, or the whole board, was restored from a version. */
export async function noteRestored(
  boardId: string,
  versionId: string,
  request: RestoredRequest,
): Promise<void> {
  await requestJson<void>(`${versionsPath(boardId)}/${encodeURIComponent(versionId)}/restored`, {
    method: 'POST',
    ...jsonBody(request),
  });
}
