import type { Comment } from '#shared/board/comment';
import type { RecordRead } from '#shared/board/record';
import type { AppliedChange, ChangeFacts, NotificationNote, TouchedRecord } from '../sync/boardChange.ts';
import type { RoomHook } from '../sync/roomContract.ts';

const fieldsOf = (read: RecordRead<unknown> | undefined): Record<string, unknown> | undefined =>
  read && ((read.ok ? read.value : read.raw) as Record<string, unknown>);
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Whom one change to one action tells, and what: nobody is told of their own doing. */
function actionNotes(record: TouchedRecord, actor: { id: string; name: string }): NotificationNote[] {
  const before = fieldsOf(record.before);
  const after = fieldsOf(record.after);
  if (!after) return [];
  const owner = text(after.ownerId);
  const creator = text(after.createdById);
  const status = text(after.status);
  const notes: NotificationNote[] = [];
  const tell = (userId: string | null, kind: NotificationNote['kind']) => {
    if (userId && userId !== actor.id)
      notes.push({
        userId,
        kind,
        recordType: 'actions',
        recordId: record.id,
        personId: text(after.personId),
        actor,
        subject: text(after.title),
      });
  };
  if (!before) {
    if (status === 'proposed') tell(owner, 'action-proposed');
    return notes;
  }
  const wasOwner = text(before.ownerId);
  const wasStatus = text(before.status);
  if (owner !== wasOwner) {
    tell(owner, status === 'proposed' ? 'action-proposed' : 'action-reassigned-to-you');
    tell(wasOwner, 'action-reassigned-away');
  } else if (wasStatus === 'proposed' && status !== 'proposed' && actor.id === owner) {
    // The owner answered a proposal: taking it on, or declining it.
    tell(creator, status === 'cancelled' ? 'action-declined' : 'action-accepted');
  }
  return notes;
}

/**
 * Whom a comment tells: each team member it newly mentions, and (for a new comment) those who follow
 * its action or person: an action's owner and proposer, and everyone who commented there before.
 * A mention of someone without access to the board reaches nobody: the notification centre and
 * emails show only notifications of boards their reader can open.
 */
function commentNotes(
  record: TouchedRecord,
  actor: { id: string; name: string },
  facts: ChangeFacts,
): NotificationNote[] {
  if (!record.after?.ok) return [];
  const comment = record.after.value as Comment;
  if (comment.withdrawnAt !== null) return [];
  const before = record.before?.ok ? (record.before.value as Comment) : undefined;
  if (record.before && !before) return [];
  const action = comment.subjectType === 'actions' ? facts.action(comment.subjectId) : undefined;
  const base = {
    recordType: comment.subjectType,
    recordId: comment.subjectId,
    personId: comment.subjectType === 'people' ? comment.subjectId : (action?.personId ?? null),
    actor,
    subject: action?.title ?? null,
  };
  const told = new Set<string>([actor.id]);
  const notes: NotificationNote[] = [];
  const tell = (userId: string | null | undefined, kind: NotificationNote['kind']) => {
    if (!userId || told.has(userId)) return;
    told.add(userId);
    notes.push({ ...base, userId, kind });
  };
  const mentionedBefore = new Set(before?.mentions ?? []);
  for (const userId of comment.mentions) if (!mentionedBefore.has(userId)) tell(userId, 'mention');
  if (before) return notes;
  tell(action?.ownerId, 'comment');
  tell(action?.createdById, 'comment');
  for (const userId of facts.commenters(comment.subjectType, comment.subjectId)) tell(userId, 'comment');
  return notes;
}

/**
 * Tells people about changes that concern them, stored with the change: an action proposed or
 * handed to them, handed away from them, and their proposal accepted or declined by its owner; a
 * comment that mentions them, or on an action or person they follow. Only what someone did is told
 * (the server's own changes and storage tell nobody).
 */
export const notificationsHook: RoomHook = {
  name: 'notifications',
  describe(change: AppliedChange) {
    const origin = change.origin;
    const user = origin.source === 'storage' ? undefined : origin.user;
    if (!user) return {};
    const actor = { id: user.id, name: user.name };
    const notifications = change.records.flatMap((record) =>
      record.collection === 'actions'
        ? actionNotes(record, actor)
        : record.collection === 'comments'
          ? commentNotes(record, actor, change.facts)
          : [],
    );
    return notifications.length > 0 ? { notifications } : {};
  },
};
