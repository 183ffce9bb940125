import type {
  AdminUser,
  CreateUserRequest,
  DirectoryUser,
  TemporaryPasswordResponse,
  UpdateUserRequest,
} from '#shared/users';
import type { AuditExportQuery } from '#shared/audit';
import type { MembershipRequest, TeamDetail, TeamRequest } from '#shared/teams';
import type { OrganisationRequest } from '#shared/organisations';
import type { UpdateBoardRequest } from '#shared/boards';
import type { ApiError } from '#shared/api';
import type { BoardSummary } from '#shared/boards';
import type { Organisation } from '#shared/organisations';
import { ApiRequestError, jsonBody, requestJson } from './http.ts';

/**
 * The REST calls of the admin pages; payload types and validators live in shared/admin.ts. Every
 * write sends a JSON body, even an empty one, as the server's cross-site check expects.
 */

// The reads the board pages use too.
export { createBoard, getBoard, listBoards, listOrganisations, listTeams } from './boardsApi.ts';

const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');
const send = (method: string, body: unknown = {}): RequestInit => ({ method, ...jsonBody(body) });

// Organisations
export function createOrganisation(request: OrganisationRequest): Promise<Organisation> {
  return requestJson<Organisation>('/api/organisations', send('POST', request));
}

export function updateOrganisation(id: string, request: OrganisationRequest): Promise<Organisation> {
  return requestJson<Organisation>(`/api/organisations/${path(id)}`, send('PATCH', request));
}

// Users
export function listUsers(): Promise<AdminUser[]> {
  return requestJson<AdminUser[]>('/api/users');
}

export function getUser(id: string): Promise<AdminUser> {
  return requestJson<AdminUser>(`/api/users/${path(id)}`);
}

export function createUser(request: CreateUserRequest): Promise<TemporaryPasswordResponse> {
  return requestJson<TemporaryPasswordResponse>('/api/users', send('POST', request));
}

export function updateUser(id: string, request: UpdateUserRequest): Promise<AdminUser> {
  return requestJson<AdminUser>(`/api/users/${path(id)}`, send('PATCH', request));
}

export function resetPassword(id: string): Promise<TemporaryPasswordResponse> {
  return requestJson<TemporaryPasswordResponse>(`/api/users/${path(id)}/reset-password`, send('POST'));
}

/** Active people who can be added to a team (admins and facilitators). */
export function listDirectory(): Promise<DirectoryUser[]> {
  return requestJson<DirectoryUser[]>('/api/people-directory');
}

// Teams
export function getTeam(id: string): Promise<TeamDetail> {
  return requestJson<TeamDetail>(`/api/teams/${path(id)}`);
}

export function createTeam(request: TeamRequest): Promise<TeamDetail> {
  return requestJson<TeamDetail>('/api/teams', send('POST', request));
}

export function updateTeam(id: string, request: TeamRequest): Promise<TeamDetail> {
  return requestJson<TeamDetail>(`/api/teams/${path(id)}`, send('PATCH', request));
}

/** Adds someone to the team, or changes their role in it. */
export function setMembership(
  teamId: string,
  userId: string,
  request: MembershipRequest,
): Promise<TeamDetail> {
  return requestJson<TeamDetail>(`/api/teams/${path(teamId, 'members', userId)}`, send('PUT', request));
}

export function removeMember(teamId: string, userId: string): Promise<TeamDetail> {
  return requestJson<TeamDetail>(`/api/teams/${path(teamId, 'members', userId)}`, send('DELETE'));
}

// Boards
export function updateBoard(id: string, request: UpdateBoardRequest): Promise<BoardSummary> {
  return requestJson<BoardSummary>(`/api/boards/${path(id)}`, send('PATCH', request));
}

// Audit export
export function auditExportUrl(query: AuditExportQuery): string {
  return `/api/admin/audit.csv?${new URLSearchParams({ from: query.from, to: query.to }).toString()}`;
}

/** Fetches the audit CSV for the dates; a refusal comes back as an ApiRequestError like any other call. */
export async function downloadAuditCsv(query: AuditExportQuery): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(auditExportUrl(query), { headers: { Accept: 'text/csv' } });
  } catch {
    throw new ApiRequestError('Huddle could not reach the server. Check your connection and try again.', 0);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => undefined)) as ApiError | undefined;
    throw new ApiRequestError(
      typeof body?.error === 'string' ? body.error : `The server answered ${response.status}`,
      response.status,
      body?.issues ?? [],
    );
  }
  return response.blob();
}
