import type {
  EmailChoice,
  MarkNotificationsRequest,
  NotificationList,
  NotificationPreferences,
  UnreadCount,
} from '#shared/notifications';
import { jsonBody, requestJson } from './http.ts';

export function listNotifications(): Promise<NotificationList> {
  return requestJson<NotificationList>('/api/notifications');
}

export function unreadNotifications(): Promise<UnreadCount> {
  return requestJson<UnreadCount>('/api/notifications/unread');
}

export async function markNotifications(request: MarkNotificationsRequest): Promise<void> {
  await requestJson<void>('/api/notifications/read', { method: 'POST', ...jsonBody(request) });
}

export function getNotificationPreferences(): Promise<NotificationPreferences> {
  return requestJson<NotificationPreferences>('/api/notifications/preferences');
}

export function setNotificationPreferences(email: EmailChoice): Promise<NotificationPreferences> {
  return requestJson<NotificationPreferences>('/api/notifications/preferences', {
    method: 'PUT',
    ...jsonBody({ email }),
  });
}
