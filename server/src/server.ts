import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { SOCKET_IO_PATH } from '#shared/events';
import { AccessEvents } from './access/accessEvents.ts';
import { AccessPolicy } from './access/AccessPolicy.ts';
import { isRefusal, REFUSAL_STATUS } from './refusal.ts';
import type { Principal } from './access/principal.ts';
import { AuditLog } from './audit/auditLog.ts';
import { auditHook } from './audit/auditHook.ts';
import { BoardVersions } from './versions/boardVersions.ts';
import { BoardMeetings } from './meetings/boardMeetings.ts';
import { tellAttendingOrganisations } from './meetings/meetingNotices.ts';
import { boardRulesHook } from './boards/boardRulesHook.ts';
import { projectionHook } from './projection/projectionHook.ts';
import { projectionIsCurrent } from './projection/projectionTables.ts';
import { rebuildProjections } from './projection/rebuildProjections.ts';
import { usersWhoseWorkChanged } from './work/workChanges.ts';
import { changesProgress } from './progress/progressChanges.ts';
import { ProgressQueries } from './progress/progressFigures.ts';
import { notificationsHook } from './notifications/notificationsHook.ts';
import { createMailer } from './notifications/mailer.ts';
import { NotificationJobs } from './notifications/notificationJobs.ts';
import { sessionTokenFrom } from './auth/cookies.ts';
import { demoSignInsArePublic } from './auth/demoSignIns.ts';
import { registerOidcRoutes } from './auth/oidc/routes.ts';
import { SessionStore } from './auth/sessions.ts';
import { SignInThrottle } from './auth/throttle.ts';
import { BoardsRepository } from './boards/boardsRepository.ts';
import type { Config } from './config.ts';
import { openDatabase, untilDatabaseAnswers, type DatabaseHandle } from './db/connect.ts';
import { createHttpApp } from './http/app.ts';
import { isSameSite } from './access/sameSite.ts';
import { createClientAddress } from './http/clientAddress.ts';
import type { RouteDeps } from './http/deps.ts';
import { chooseHost, type Listening } from './http/listenAddress.ts';
import { createLogger, type Logger } from './log.ts';
import { AppEvents } from './realtime/socketIo.ts';
import { joinRedisCluster, type RedisCluster } from './cluster/redisCluster.ts';
import { seedDemoPlace } from './seed.ts';
import { PostgresBoardStorage } from './storage/postgresBoardStorage.ts';
import { BoardStorageNotices, ServerHealth } from './storage/storageHealth.ts';
import type { ConnectionGrant, UpgradeRefusal } from './sync/SyncServer.ts';
import { SyncServer } from './sync/SyncServer.ts';
import { UsersRepository } from './users/usersRepository.ts';

export interface HuddleServer {
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  database: DatabaseHandle;
  sync: SyncServer;
  storage: PostgresBoardStorage;
  versions: BoardVersions;
  log: Logger;
  /** Where it listens and why; whether the database lets anyone in with the demo's published sign-ins. */
  listening: Listening;
  /** Stops accepting, closes every connection, writes every pending update, closes the database. */
  close(): Promise<void>;
}

function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A board opening is recorded once per session and board in this window, however many times it reconnects. */
const OPEN_RECORDED_FOR_MS = 10 * 60_000;
const OPENS_REMEMBERED = 10_000;

/**
 * Opens the database, seeds it when empty, and serves REST, socket.io, Yjs sync and the SPA on one
 * port. While Postgres cannot be reached it waits (logging why) and listens once it answers.
 */
export async function startServer(
  config: Config,
  log: Logger = createLogger(config.logLevel),
): Promise<HuddleServer> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    connection: config.database,
    waitForDatabase: true,
    log,
  });
  let closing = false;
  try {
    if (config.seed) await untilDatabaseAnswers(() => seedDemoPlace(database.db, config.storage, log), log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const { db } = database;
  const allowedOrigins = config.publicUrl ? [config.publicUrl] : [];
  const events = new AccessEvents();
  let cluster: RedisCluster | null = null;
  try {
    if (config.redisUrl)
      cluster = await joinRedisCluster({ url: config.redisUrl, prefix: config.redisPrefix }, events, log);
  } catch (error) {
    await database.close();
    throw error;
  }
  const policy = new AccessPolicy(db);
  const sessions = new SessionStore(db, config.session, events);
  const audit = new AuditLog(db);
  const storage = new PostgresBoardStorage(db, config.storage, log);
  const versions = new BoardVersions(db, (boardId) => storage.current(boardId), log, config.versions);
  /** When each session last had each board's opening recorded. */
  const recordedOpens = new Map<string, number>();
  const health = new ServerHealth(database, storage, config.storage.warnAfterMs);

  /** The one decision for a Yjs connection, at the upgrade and whenever it is checked again. */
  async function grantFor(
    principal: Principal | null,
    boardId: string,
  ): Promise<ConnectionGrant | UpgradeRefusal> {
    const access = await policy.boardAccess(principal, boardId);
    if (isRefusal(access)) return { status: REFUSAL_STATUS[access.refused], message: access.message };
    const user = principal!;
    return {
      user: {
        id: user.userId,
        name: user.name,
        organisation: user.organisationName,
        organisationId: user.organisationId,
      },
      sessionId: user.sessionId,
      readOnly: access !== 'edit',
    };
  }

  // Behind a proxy, the per-address connection limits count clients, not the proxy (TRUST_PROXY).
  const clientAddress = createClientAddress(config.trustProxy);
  const sync = new SyncServer(
    config.sync,
    storage,
    {
      authorize: async (request, boardId) => {
        if (!isSameSite(request.headers, allowedOrigins))
          return { status: 403, message: 'This connection came from another site and was refused' };
        const token = sessionTokenFrom(request.headers.cookie);
        return grantFor(token ? await sessions.resolve(token) : null, boardId);
      },
      reauthorize: async ({ sessionId, boardId }) =>
        grantFor(sessionId ? await sessions.resolveById(sessionId, { touch: false }) : null, boardId),
      onOpen: (boardId, grant) => {
        if (!grant.user) return;
        const key = `${grant.sessionId ?? grant.user.id} ${boardId}`;
        const now = Date.now();
        if ((recordedOpens.get(key) ?? -Infinity) > now - OPEN_RECORDED_FOR_MS) return;
        recordedOpens.delete(key);
        recordedOpens.set(key, now);
        if (recordedOpens.size > OPENS_REMEMBERED) recordedOpens.delete(recordedOpens.keys().next().value!);
        audit
          .recordOpen(boardId, { userId: grant.user.id, name: grant.user.name })
          .catch((err: unknown) => log.error({ err, boardId }, 'recording a board opening failed'));
      },
      onEdit: (sessionId) => {
        sessions
          .touch(sessionId)
          .catch((err: unknown) => log.warn({ err }, 'recording session activity failed'));
      },
      onUnload: (boardId) => storage.forget(boardId),
    },
    log,
    {
      roomHooks: [
        boardRulesHook,
        auditHook(),
        projectionHook({ isCurrent: (boardId) => projectionIsCurrent(db, boardId) }, log),
        notificationsHook,
      ],
      addressOf: clientAddress,
      ...(cluster ? { peers: cluster.peers } : {}),
    },
  );

  let appEvents: AppEvents | null = null;
  // Known once listening: where links in emails lead, and the email sender.
  let siteUrl = (): string => config.publicUrl ?? 'http://localhost';
  let sendEmailSoon = (): void => undefined;
  const boardsRepository = new BoardsRepository(db);
  const meetings = new BoardMeetings({
    db,
    change: (boardId, origin, write) => sync.change(boardId, origin, write),
    members: (boardId) => boardsRepository.members(boardId),
    boardName: async (boardId) => (await boardsRepository.get(boardId))?.name,
    organisations: () => boardsRepository.listOrganisations(),
    saveVersion: (boardId, label, by) => versions.save(boardId, label, by),
    // The attending organisations' members hear that the summary is ready; its emails go at once.
    onFinished: async (summary) => {
      const told = await tellAttendingOrganisations(db, summary, siteUrl());
      appEvents?.tellNotified(told);
      sendEmailSoon();
    },
    log,
  });
  const deps: RouteDeps = {
    db,
    policy,
    sessions,
    throttle: new SignInThrottle(db, config.throttle),
    users: new UsersRepository(db),
    boards: boardsRepository,
    audit,
    versions,
    meetings,
    events,
    storage,
    boardSnapshot: (boardId) => sync.snapshot(boardId),
    boardOpen: (boardId) => sync.isOpen(boardId),
    secureCookies: config.publicUrl?.startsWith('https:') ?? false,
    sessionMaxAgeSeconds: Math.floor(config.session.maxAgeMs / 1000),
    sessionIdleMinutes: config.session.idleMs / 60_000,
    onBoardCreated: async (boardId) => appEvents?.announceBoard(boardId),
    onNotificationsRead: (userId) => appEvents?.tellNotified([userId]),
  };

  const app = await createHttpApp({
    logger: log,
    deps,
    clientDir: config.clientDir,
    firstViewDir: config.firstViewDir,
    allowedOrigins,
    trustProxy: config.trustProxy,
    oidcLabel: config.oidc?.label ?? null,
    registerOidc: config.oidc ? (instance) => registerOidcRoutes(instance, deps, config.oidc!) : undefined,
    health: () => health.check(!closing),
  });
  const progressBoards = new ProgressQueries(db, policy);
  appEvents = new AppEvents(app.server, {
    sessions,
    policy,
    allowedOrigins,
    log,
    limits: { perUser: config.sync.maxConnectionsPerUser, perAddress: config.sync.maxConnectionsPerAddress },
    storageState: (boardId) => notices.stateOf(boardId),
    progressBoards: (principal) => progressBoards.boards(principal),
    addressOf: clientAddress,
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });
  const realtime = appEvents;
  // A board's browsers hear when its changes wait too long to be stored, and when that clears.
  const notices = new BoardStorageNotices(
    storage,
    config.storage.warnAfterMs,
    (boardId, state) => realtime.tellStorage(boardId, state),
    log,
  );

  // My work, the bell and progress pages look again once changes are stored.
  storage.onStored((boardId, stored) => {
    realtime.tellWorkChanged(usersWhoseWorkChanged(stored.projection));
    realtime.tellNotified(stored.notified);
    if (changesProgress(stored.projection)) realtime.tellProgressChanged(boardId);
  });

  // Access changes reach open connections at once: a removed member's sockets close.
  const logFailure = (what: string) => (err: unknown) => log.error({ err }, what);
  events.on('sessions-ended', (sessionIds, reason) => {
    sync.endSessions(sessionIds, reason);
    realtime.endSessions(sessionIds, reason).catch(logFailure('ending socket.io sessions failed'));
  });
  events.on('users-changed', (userIds) => {
    const changed = new Set(userIds);
    sync
      .recheck((c) => c.userId !== null && changed.has(c.userId))
      .catch(logFailure('rechecking access failed'));
    realtime.recheck(userIds).catch(logFailure('rechecking socket.io access failed'));
  });
  events.on('board-changed', (boardId) => {
    sync.recheck((c) => c.boardId === boardId).catch(logFailure('rechecking access failed'));
    realtime
      .recheck()
      .then(() => realtime.broadcastAccessChanged(), logFailure('rechecking socket.io access failed'));
  });
  // Sessions also end by expiring; open sockets are checked now and then.
  const accessTimer = setInterval(() => {
    sync.recheck().catch(logFailure('rechecking access failed'));
    realtime.recheck().catch(logFailure('rechecking socket.io access failed'));
  }, config.accessCheckIntervalMs);
  accessTimer.unref();

  // Whatever an upgrade request holds, it is answered or its socket destroyed; nothing here may throw.
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      if (sync.handlesUpgrade(request)) {
        sync.handleUpgrade(request, socket, head).catch((err: unknown) => {
          log.error({ err }, 'a sync upgrade failed');
          socket.destroy();
        });
      } else if (!(request.url ?? '').startsWith(SOCKET_IO_PATH)) {
        if ((request.url ?? '').startsWith('/')) refuseUpgrade(socket, 404, 'Not Found');
        else refuseUpgrade(socket, 400, 'Bad Request');
      }
    } catch (err) {
      log.error({ err }, 'an upgrade request failed');
      socket.destroy();
    }
  });

  // The seeded demo's sign-ins are in the README: unless HOST says otherwise, it serves this computer only.
  const demoSignInsPublic = await demoSignInsArePublic(db);
  const listening: Listening = { ...chooseHost(config.host, demoSignInsPublic), demoSignInsPublic };
  await app.listen({ port: config.port, host: listening.host });

  // Boards whose projection is behind (never projected, or by an older version) are projected now,
  // in the background, so that views across boards see them before anyone opens them.
  const catchingUp = rebuildProjections(db, log, undefined, { onlyBehind: true, stopped: () => closing })
    .then((result) => {
      if (result.boards > 0)
        log.info(
          { boards: result.boards, records: result.records, failed: result.failed.length },
          'projected the boards whose projection was behind',
        );
    })
    .catch((err: unknown) => log.error({ err }, 'catching up the boards’ projections failed'));
  const port = (app.server.address() as AddressInfo).port;

  // Reminders, digests and the email outbox, every minute (and once now, to catch up after a stop).
  const mailer = createMailer(config.mail.smtpUrl, config.mail.from, log);
  const jobs = new NotificationJobs(db, mailer, log, {
    digestHour: config.mail.digestHour,
    siteUrl: config.publicUrl ?? `http://localhost:${port}`,
  });
  let jobsRunning: Promise<void> = Promise.resolve();
  const runJobs = () => {
    jobsRunning = jobsRunning
      .then(() => (closing ? undefined : jobs.tick()))
      .catch((err: unknown) => log.error({ err }, 'reminders, digests or email failed; tried again shortly'))
      .then(() => (closing ? undefined : versions.tick()))
      .catch((err: unknown) => log.error({ err }, 'the day’s versions failed; tried again shortly'));
  };
  siteUrl = () => config.publicUrl ?? `http://localhost:${port}`;
  sendEmailSoon = () => {
    jobsRunning = jobsRunning
      .then(async () => void (closing ? undefined : await jobs.sendOutbox()))
      .catch((err: unknown) => log.error({ err }, 'sending email failed; tried again shortly'));
  };
  const jobsTimer = config.mail.jobsIntervalMs > 0 ? setInterval(runJobs, config.mail.jobsIntervalMs) : null;
  jobsTimer?.unref();
  if (jobsTimer) runJobs();

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      clearInterval(accessTimer);
      if (jobsTimer) clearInterval(jobsTimer);
      notices.close();
      log.info('shutting down: closing connections and writing pending updates');
      await sync.close();
      await realtime.close();
      await cluster?.close();
      await app.close();
      await storage.flush();
      storage.close();
      await catchingUp;
      await jobsRunning;
      mailer.close();
      await database.close();
      log.info('shut down cleanly');
    })();
    return closed;
  };

  return { port, url: `http://127.0.0.1:${port}`, database, sync, storage, versions, log, listening, close };
}
