import type { AuditEntry, AuditValue } from '../../../shared/audit.ts';
import { ACTION_STATUS_LABELS, type ActionStatus } from '../../../shared/board/action.ts';
import { formatIsoDate } from './dates.ts';

export const EMPTY_VALUE = '(empty)';

/** What people call an action's fields. */
const ACTION_FIELD_LABELS: Record<string, string> = {
  title: 'Action',
  ownerName: 'Owner',
  ownerOrganisationId: "Owner's organisation",
  dueDate: 'Due date',
  status: 'Status',
  personId: 'Person',
  createdAt: 'Created',
  createdBy: 'Created by',
  completedAt: 'Completed',
};

export function actionFieldLabel(field: string | null): string {
  if (!field) return 'Whole action';
  return ACTION_FIELD_LABELS[field] ?? field;
}

/** A value as the audit trail stored it (JSON): text as text, nothing as "(empty)", the rest as JSON. */
export function formatAuditValue(value: AuditValue): string {
  if (value === null || value === '') return EMPTY_VALUE;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Names for values people would not recognise as stored (status codes, organisation ids, dates). */
export function describeActionValue(
  field: string | null,
  value: AuditValue,
  organisationName: (id: string) => string,
): string {
  if (typeof value === 'string' && value) {
    if (field === 'status' && value in ACTION_STATUS_LABELS)
      return ACTION_STATUS_LABELS[value as ActionStatus];
    if (field === 'ownerOrganisationId') return organisationName(value);
    if (field === 'dueDate') return formatIsoDate(value);
  }
  return formatAuditValue(value);
}

/** "22 Nov 2026, 14:05" in the browser's own time zone. */
export function formatWhen(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

export function whoChanged(entry: AuditEntry): string {
  return entry.user?.name ?? 'Huddle (automatic change)';
}
