import type { AuditEntry, AuditValue } from '#shared/audit';
import { ACTION_STATUS_LABELS, type ActionStatus } from '#shared/board/action';
import type { CollectionName } from '#shared/board/boardDoc';
import { GOAL_STATUS_LABELS, type GoalStatus } from '#shared/board/goal';
import { RISK_LABELS, SBAR_PARTS, describeFrailty, type RiskLevel } from '#shared/board/person';
import { formatNhsNumber } from '#shared/board/nhsNumber';
import { formatIsoDate } from '../dates.ts';

export const EMPTY_VALUE = '(empty)';

/** What people call each record's fields. */
const FIELD_LABELS: Record<CollectionName, Record<string, string>> = {
  actions: {
    title: 'Action',
    ownerId: 'Owner',
    ownerName: 'Owner',
    ownerOrganisationId: "Owner's organisation",
    dueDate: 'Due date',
    status: 'Status',
    personId: 'Person',
    goalId: 'Goal',
    createdAt: 'Created',
    createdBy: 'Created by',
    createdById: 'Created by',
    completedAt: 'Completed',
  },
  people: {
    name: 'Name',
    nhsNumber: 'NHS number',
    dateOfBirth: 'Date of birth',
    frailtyScore: 'Clinical Frailty Scale',
    risk: 'Risk',
    riskReason: 'Reason for the risk',
    keyWorkerId: 'Key worker',
    keyWorkerName: 'Key worker',
    organisationIds: 'Organisations involved',
    whatMatters: 'What matters to me',
    ...Object.fromEntries(SBAR_PARTS.map((part) => [part.field, `SBAR: ${part.label}`])),
    stageId: 'Pathway stage',
    stageEnteredAt: 'Entered the stage',
    archived: 'Archived',
    archivedReason: 'Reason for archiving',
    archivedAt: 'Archived on',
    createdAt: 'Added',
    createdBy: 'Added by',
  },
  goals: {
    personId: 'Person',
    statement: 'Goal',
    status: 'Status',
    targetDate: 'Target date',
    leadOrganisationId: 'Lead organisation',
    notes: 'Notes on outcomes',
    createdAt: 'Added',
    createdBy: 'Added by',
    createdById: 'Added by',
  },
  pathwayStages: { name: 'Stage', order: 'Position', limit: 'Limit' },
  comments: {
    subjectType: 'On',
    subjectId: 'On',
    body: 'Comment',
    mentions: 'Mentions',
    edits: 'Earlier versions',
    editedAt: 'Edited',
    withdrawnAt: 'Withdrawn',
    createdAt: 'Written',
    createdBy: 'Written by',
    createdById: 'Written by',
  },
  meetings: {
    series: 'Meeting',
    status: 'Status',
    chairName: 'Chair',
    currentItemId: 'Current person',
    startedAt: 'Started',
    finishedAt: 'Finished',
  },
  meetingItems: {
    mark: 'Before the meeting',
    outcomeCode: 'Outcome',
    outcomeText: 'Outcome',
    outcomeBy: 'Outcome written by',
    actionIds: 'Actions agreed',
    tellActionId: 'Who tells the person and their GP',
    result: 'Result',
    resultReason: 'Reason',
    urgent: 'Urgent addition',
  },
  meetingAttendance: { how: 'Attended', name: 'Name', organisationName: 'Organisation' },
  meetingAmendments: { text: 'Amendment', by: 'Signed by', at: 'Signed' },
};

const WHOLE_RECORD: Record<CollectionName, string> = {
  actions: 'Whole action',
  people: 'Whole record',
  goals: 'Whole goal',
  pathwayStages: 'Whole stage',
  comments: 'Whole comment',
  meetings: 'Whole meeting',
  meetingItems: 'Whole agenda item',
  meetingAttendance: 'Attendance',
  meetingAmendments: 'Amendment',
};

export function fieldLabel(recordType: CollectionName, field: string | null): string {
  if (!field) return WHOLE_RECORD[recordType];
  return FIELD_LABELS[recordType][field] ?? field;
}

/** A value as the audit trail stored it (JSON): text as text, nothing as "(empty)", the rest as JSON. */
export function formatAuditValue(value: AuditValue): string {
  if (value === null || value === '') return EMPTY_VALUE;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Names for the values the board stores as ids and codes. */
export interface ValueNames {
  organisation(id: string): string;
  person(id: string): string | undefined;
  goal(id: string): string | undefined;
  stage(id: string): string | undefined;
}

const DATE_FIELDS = new Set(['dueDate', 'targetDate', 'dateOfBirth']);
const TIME_FIELDS = new Set(['createdAt', 'completedAt', 'stageEnteredAt', 'archivedAt']);

/** A value as people would recognise it: status names, organisation and person names, dates. */
export function describeValue(
  recordType: CollectionName,
  field: string | null,
  value: AuditValue,
  names: ValueNames,
): string {
  if (typeof value === 'string' && value) {
    if (field === 'status' && recordType === 'actions' && value in ACTION_STATUS_LABELS)
      return ACTION_STATUS_LABELS[value as ActionStatus];
    if (field === 'status' && recordType === 'goals' && value in GOAL_STATUS_LABELS)
      return GOAL_STATUS_LABELS[value as GoalStatus];
    if (field === 'risk' && value in RISK_LABELS) return RISK_LABELS[value as RiskLevel];
    if (field === 'ownerOrganisationId' || field === 'leadOrganisationId') return names.organisation(value);
    if (field === 'personId') return names.person(value) ?? value;
    if (field === 'goalId') return names.goal(value) ?? value;
    if (field === 'stageId') return names.stage(value) ?? value;
    if (field === 'nhsNumber') return formatNhsNumber(value);
    if (field && DATE_FIELDS.has(field)) return formatIsoDate(value);
    if (field && TIME_FIELDS.has(field)) return formatWhen(value);
  }
  if (field === 'frailtyScore' && (typeof value === 'number' || value === null))
    return describeFrailty(value);
  if (field === 'organisationIds' && Array.isArray(value)) {
    return value.length
      ? value.map((id) => (typeof id === 'string' ? names.organisation(id) : String(id))).join(', ')
      : EMPTY_VALUE;
  }
  if (field === 'archived' && typeof value === 'boolean') return value ? 'Yes' : 'No';
  return formatAuditValue(value);
}

/** "22 Nov 2026, 14:05" in the browser's own time zone. */
export function formatWhen(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** When a change was made: "22 Nov 2026, 14:05", or for a burst of typing "22 Nov 2026, 14:05 to 14:09". */
export function formatSpan(entry: Pick<AuditEntry, 'at' | 'until'>): string {
  const start = formatWhen(entry.at);
  if (!entry.until) return start;
  const until = new Date(entry.until);
  if (Number.isNaN(until.getTime())) return start;
  const sameDay = new Date(entry.at).toDateString() === until.toDateString();
  return `${start} to ${sameDay ? until.toLocaleTimeString('en-GB', { timeStyle: 'short' }) : formatWhen(entry.until)}`;
}

/** A restore's note: "As in “Handover 1 Dec”". */
export function restoredFrom(entry: Pick<AuditEntry, 'after'>): string {
  const after = entry.after;
  const version =
    after && typeof after === 'object' && !Array.isArray(after) && typeof after.version === 'string'
      ? after.version
      : 'a version';
  return `As in “${version}”`;
}

export function whoChanged(entry: AuditEntry): string {
  return entry.user?.name ?? 'Huddle (automatic change)';
}
