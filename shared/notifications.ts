import { z } from 'zod';

/*
 * What people are told, in the app (the bell) and by email.
 */

export const NOTIFICATION_KINDS = [
  'action-proposed',
  'action-accepted',
  'action-declined',
  'action-reassigned-to-you',
  'action-reassigned-away',
  'due-tomorrow',
  'overdue',
  'mention',
  'comment',
  'meeting-summary',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One notification as the notification centre shows it. */
export interface NotificationItem {
  id: string;
  kind: NotificationKind;
  /** What happened, in words: "Grace Okafor proposed an action to you". */
  text: string;
  /** The action's title (in the app only; emails name no clinical detail). */
  subject: string | null;
  boardId: string;
  boardName: string;
  recordType: string;
  recordId: string;
  /** The person it is about, by initials. */
  personInitials: string | null;
  createdAt: string;
  read: boolean;
}

/** `GET /api/notifications`. */
export interface NotificationList {
  items: NotificationItem[];
  unread: number;
}

/** `GET /api/notifications/unread`: the bell's count. */
export interface UnreadCount {
  unread: number;
}

/** `POST /api/notifications/read`: these (`ids`) marked read or unread, or (`all`) every one read. */
export const markNotificationsRequest = z
  .object(
    {
      ids: z
        .array(z.string().regex(/^\d{1,18}$/, 'Name notifications by their ids'), {
          error: 'Give the ids of the notifications to mark as a list',
        })
        .min(1, 'Name at least one notification to mark')
        .max(500, 'Mark at most 500 notifications at once')
        .optional(),
      all: z.literal(true, { error: 'To mark every notification read, send all: true' }).optional(),
      read: z.boolean({ error: 'Say read: true or read: false' }).default(true),
    },
    { error: 'Send which notifications to mark' },
  )
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), {
    message: 'Name the notifications to mark (ids), or mark them all (all: true), but not both',
  });
export type MarkNotificationsRequest = z.input<typeof markNotificationsRequest>;

/** How someone wants email: a daily digest (the default), each as it happens, or none. */
export const EMAIL_CHOICES = ['digest', 'immediate', 'off'] as const;
export type EmailChoice = (typeof EMAIL_CHOICES)[number];

export const EMAIL_CHOICE_LABELS: Record<EmailChoice, string> = {
  digest: 'A daily digest each morning',
  immediate: 'An email soon after each notification (a few minutes’ worth together)',
  off: 'No email: I will look in Huddle',
};

export interface NotificationPreferences {
  email: EmailChoice;
}

export const notificationPreferencesRequest = z.object({
  email: z.enum(EMAIL_CHOICES, { error: 'Choose how you want email' }),
});

/** Kinds about a comment: they open the comment thread of the action or person. */
export const COMMENT_NOTIFICATION_KINDS: readonly NotificationKind[] = ['mention', 'comment'];

/**
 * Where a notification takes its reader, as a path of the app: the action on its board's actions
 * (its comments open, for a comment), or the person's page (at their comments).
 */
export function notificationPath(item: {
  kind: NotificationKind;
  boardId: string;
  recordType: string;
  recordId: string;
}): string {
  const board = `/boards/${encodeURIComponent(item.boardId)}`;
  if (item.recordType === 'meetings') return `${board}/meetings/${encodeURIComponent(item.recordId)}`;
  const comments = COMMENT_NOTIFICATION_KINDS.includes(item.kind);
  if (item.recordType === 'people')
    return `${board}/people/${encodeURIComponent(item.recordId)}${comments ? '#comments' : ''}`;
  return `${board}/actions?action=${encodeURIComponent(item.recordId)}${comments ? '&comments=open' : ''}`;
}

/** A notification's words, for the app and for email (which adds no clinical detail). */
export function notificationText(
  kind: NotificationKind,
  actorName: string | null,
  recordType: string = 'actions',
): string {
  const who = actorName?.trim() || 'Someone';
  switch (kind) {
    case 'action-proposed':
      return `${who} proposed an action to you`;
    case 'action-accepted':
      return `${who} accepted an action you proposed`;
    case 'action-declined':
      return `${who} declined an action you proposed`;
    case 'action-reassigned-to-you':
      return `${who} handed an action to you`;
    case 'action-reassigned-away':
      return `${who} handed an action of yours to someone else`;
    case 'due-tomorrow':
      return 'An action of yours is due tomorrow';
    case 'overdue':
      return 'An action of yours is overdue';
    case 'mention':
      return `${who} mentioned you in a comment`;
    case 'comment':
      return recordType === 'people'
        ? `${who} commented on someone whose comments you follow`
        : `${who} commented on an action you own or follow`;
    case 'meeting-summary':
      return `${who} finished a meeting your organisation attended: its summary is ready`;
  }
}
