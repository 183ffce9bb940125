import type { BoardSummary } from '#shared/boards';
import type { Organisation } from '#shared/organisations';
import type { BoardMember, CreateBoardRequest } from '#shared/boards';
import type { TeamSummary } from '#shared/teams';
import type { AuditEntry, RecordHistoryQuery, TextAuthor } from '#shared/audit';
import { boardSnapshotPath, type BoardSnapshot } from '#shared/board/snapshot';
import { jsonBody, requestJson } from './http.ts';

const boardPath = (id: string): string => `/api/boards/${encodeURIComponent(id)}`;

export function listBoards(): Promise<BoardSummary[]> {
  return requestJson<BoardSummary[]>('/api/boards');
}

export function getBoard(id: string): Promise<BoardSummary> {
  return requestJson<BoardSummary>(boardPath(id));
}

export function createBoard(request: CreateBoardRequest): Promise<BoardSummary> {
  return requestJson<BoardSummary>('/api/boards', { method: 'POST', ...jsonBody(request) });
}

/** The board's records as the server holds them, to show while its document loads. */
export function getBoardSnapshot(id: string): Promise<BoardSnapshot> {
  return requestJson<BoardSnapshot>(boardSnapshotPath(id));
}

/** Who can work on a board: the members of its owning teams, with their organisations. */
export function getBoardMembers(id: string): Promise<BoardMember[]> {
  return requestJson<BoardMember[]>(`${boardPath(id)}/members`);
}

/** Who changed what on one record of a board, newest first. */
export function getRecordHistory(boardId: string, query: RecordHistoryQuery): Promise<AuditEntry[]> {
  const search = new URLSearchParams({ recordType: query.recordType, recordId: query.recordId });
  return requestJson<AuditEntry[]>(`${boardPath(boardId)}/history?${search}`);
}

/** Who last changed each text field of the board's people and goals, and when. */
export function getTextAuthors(boardId: string): Promise<TextAuthor[]> {
  return requestJson<TextAuthor[]>(`${boardPath(boardId)}/text-authors`);
}

export function listOrganisations(): Promise<Organisation[]> {
  return requestJson<Organisation[]>('/api/organisations');
}

/** The caller's teams (every team for admins), with whether they can manage each. */
export function listTeams(): Promise<TeamSummary[]> {
  return requestJson<TeamSummary[]>('/api/teams');
}
