import type { MyWork, WorkQuery } from '#shared/work';
import { requestJson } from './http.ts';

/** My work: the caller's (or their organisation's) open actions across their boards. */
export function getMyWork(query: Partial<WorkQuery>): Promise<MyWork> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) search.set(key, value);
  return requestJson<MyWork>(search.size > 0 ? `/api/my-work?${search}` : '/api/my-work');
}
