import type { ProgressFigures, ProgressItems, ProgressItemsQuery, ProgressQuery } from '#shared/progress';
import type { MeetingProgress } from '#shared/meetings';
import { requestJson } from './http.ts';

const search = (query: object): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if ((typeof value === 'string' && value !== '') || typeof value === 'number')
      params.set(key, String(value));
  return params.toString();
};

/** The progress figures for a period and filters, across the boards the caller may see. */
export function getProgress(query: ProgressQuery): Promise<ProgressFigures> {
  return requestJson<ProgressFigures>(`/api/progress?${search(query)}`);
}

/** The records behind one figure. */
export function getProgressItems(query: ProgressItemsQuery): Promise<ProgressItems> {
  return requestJson<ProgressItems>(`/api/progress/items?${search(query)}`);
}

/** Each team's meetings by week: time per person, results, actions agreed, and the pulse. */
export function getMeetingProgress(query: ProgressQuery): Promise<MeetingProgress> {
  return requestJson<MeetingProgress>(`/api/progress/meetings?${search(query)}`);
}
