import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  chairRequest,
  finishRequest,
  prepareMeetingRequest,
  pulseRequest,
  stepRequest,
  type ServerClock,
} from '#shared/meetings';
import { isRefusal } from '../refusal.ts';
import { principalOf } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { HttpError, answer, parseWith } from './errors.ts';
import { boardParams, meetingParams, parseParams } from './params.ts';

/**
 * A board's meetings: preparing one, and the chair's requests while it runs (start, step, hand
 * over, finish), for anyone who can change the board (the meeting module says who may do which);
 * finished meetings' summaries for anyone who can open it. And the server's clock, which every
 * browser's meeting timer reads.
 */
export function registerMeetingRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { meetings } = deps;

  async function boardFor(request: FastifyRequest, id: string, need: 'view' | 'edit'): Promise<string> {
    const access = await deps.policy.boardAccess(principalOf(request), id);
    if (isRefusal(access)) throw HttpError.from(access);
    if (need === 'edit' && access !== 'edit')
      throw new HttpError(403, 'You can view this board’s meetings but not run them');
    return id;
  }

  app.get('/api/clock', async (): Promise<ServerClock> => ({ now: Date.now() }));

  app.get('/api/boards/:id/meetings', async (request) => {
    const { id } = parseParams(boardParams, request.params);
    return meetings.list(await boardFor(request, id, 'view'));
  });

  app.post('/api/boards/:id/meetings', async (request, reply) => {
    const { id } = parseParams(boardParams, request.params);
    await boardFor(request, id, 'edit');
    const body = parseWith(prepareMeetingRequest, request.body);
    return reply.status(201).send(answer(await meetings.prepare(principalOf(request), id, body)));
  });

  app.post('/api/boards/:id/meetings/:meetingId/start', async (request) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'edit');
    return answer(await meetings.start(principalOf(request), id, meetingId));
  });

  app.post('/api/boards/:id/meetings/:meetingId/step', async (request) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'edit');
    const { itemId } = parseWith(stepRequest, request.body);
    return answer(await meetings.step(principalOf(request), id, meetingId, itemId));
  });

  app.post('/api/boards/:id/meetings/:meetingId/chair', async (request) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'edit');
    const { userId } = parseWith(chairRequest, request.body);
    return answer(await meetings.handOver(principalOf(request), id, meetingId, userId));
  });

  app.post('/api/boards/:id/meetings/:meetingId/finish', async (request) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'edit');
    const { carryReason } = parseWith(finishRequest, request.body ?? {});
    return answer(await meetings.finish(principalOf(request), id, meetingId, carryReason));
  });

  app.get('/api/boards/:id/meetings/:meetingId/summary', async (request) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'view');
    return answer(await meetings.summary(id, meetingId));
  });

  app.get('/api/boards/:id/meetings/:meetingId/pulse', async (request) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'view');
    return answer(await meetings.pulse(principalOf(request), id, meetingId));
  });

  app.post('/api/boards/:id/meetings/:meetingId/pulse', async (request, reply) => {
    const { id, meetingId } = parseParams(meetingParams, request.params);
    await boardFor(request, id, 'view');
    const body = parseWith(pulseRequest, request.body);
    return reply
      .status(201)
      .send(answer(await meetings.answerPulse(principalOf(request), id, meetingId, body)));
  });
}
