import type { Meeting } from '#shared/board/meetings/meeting';
import type {
  MeetingListItem,
  MeetingSummary,
  PrepareMeetingRequest,
  PulseRequest,
  PulseResults,
  ServerClock,
} from '#shared/meetings';
import { jsonBody, requestJson } from './http.ts';

const meetingsPath = (boardId: string): string => `/api/boards/${encodeURIComponent(boardId)}/meetings`;
const meetingPath = (boardId: string, meetingId: string): string =>
  `${meetingsPath(boardId)}/${encodeURIComponent(meetingId)}`;
const post = <T>(path: string, body: unknown = {}): Promise<T> =>
  requestJson<T>(path, { method: 'POST', ...jsonBody(body) });

/** The board's finished meetings, newest first. */
export function listMeetings(boardId: string): Promise<MeetingListItem[]> {
  return requestJson<MeetingListItem[]>(meetingsPath(boardId));
}

/** Prepares the series' next meeting: the server builds its agenda from the board. */
export function prepareMeeting(boardId: string, request: PrepareMeetingRequest): Promise<Meeting> {
  return post<Meeting>(meetingsPath(boardId), request);
}

export function startMeeting(boardId: string, meetingId: string): Promise<Meeting> {
  return post<Meeting>(`${meetingPath(boardId, meetingId)}/start`);
}

export function stepMeeting(boardId: string, meetingId: string, itemId: string): Promise<Meeting> {
  return post<Meeting>(`${meetingPath(boardId, meetingId)}/step`, { itemId });
}

export function handOverChair(boardId: string, meetingId: string, userId: string): Promise<Meeting> {
  return post<Meeting>(`${meetingPath(boardId, meetingId)}/chair`, { userId });
}

export function finishMeeting(
  boardId: string,
  meetingId: string,
  carryReason: string,
): Promise<MeetingSummary> {
  return post<MeetingSummary>(`${meetingPath(boardId, meetingId)}/finish`, { carryReason });
}

export function getMeetingSummary(boardId: string, meetingId: string): Promise<MeetingSummary> {
  return requestJson<MeetingSummary>(`${meetingPath(boardId, meetingId)}/summary`);
}

export function getServerClock(): Promise<ServerClock> {
  return requestJson<ServerClock>('/api/clock');
}

export function getPulse(boardId: string, meetingId: string): Promise<PulseResults> {
  return requestJson<PulseResults>(`${meetingPath(boardId, meetingId)}/pulse`);
}

export function answerPulse(boardId: string, meetingId: string, answer: PulseRequest): Promise<PulseResults> {
  return post<PulseResults>(`${meetingPath(boardId, meetingId)}/pulse`, answer);
}
