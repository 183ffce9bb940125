import type { FastifyInstance } from 'fastify';
import { markNotificationsRequest, notificationPreferencesRequest } from '#shared/notifications';
import { NotificationsRepository } from '../notifications/notificationsRepository.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { parseWith } from './errors.ts';

/** The notification centre: the list, the bell's count, read and unread, and how someone wants email. */
export function registerNotificationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const notifications = new NotificationsRepository(deps.db, deps.policy);

  app.get('/api/notifications', async (request) => notifications.list(principalOf(request)));

  app.get('/api/notifications/unread', async (request) => ({
    unread: await notifications.unreadCount(principalOf(request)),
  }));

  app.post('/api/notifications/read', async (request, reply) => {
    const { userId } = principalOf(request);
    const body = parseWith(markNotificationsRequest, request.body);
    if (body.all) await notifications.markAll(userId);
    else if (body.ids) await notifications.mark(userId, body.ids, body.read);
    deps.onNotificationsRead(userId);
    return reply.status(204).send();
  });

  app.get('/api/notifications/preferences', async (request) => ({
    email: await notifications.emailChoice(principalOf(request).userId),
  }));

  app.put('/api/notifications/preferences', async (request) => {
    const { userId } = principalOf(request);
    const { email } = parseWith(notificationPreferencesRequest, request.body);
    await notifications.setEmailChoice(userId, email);
    return { email };
  });
}
