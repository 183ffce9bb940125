import type { BoardSummary, CreateBoardRequest, Organisation } from '../../../shared/api.ts';
import { requestJson } from './http.ts';

export function listBoards(): Promise<BoardSummary[]> {
  return requestJson<BoardSummary[]>('/api/boards');
}

export function getBoard(id: string): Promise<BoardSummary> {
  return requestJson<BoardSummary>(`/api/boards/${encodeURIComponent(id)}`);
}

export function createBoard(request: CreateBoardRequest): Promise<BoardSummary> {
  return requestJson<BoardSummary>('/api/boards', { method: 'POST', body: JSON.stringify(request) });
}

export function listOrganisations(): Promise<Organisation[]> {
  return requestJson<Organisation[]>('/api/organisations');
}
