import * as Y from 'yjs';
import type { z } from 'zod';
import type { createBoardRequest, UpdateBoardRequest } from '#shared/boards';
import type { BoardSummary } from '#shared/boards';
import type { BoardAccess } from '#shared/access';
import { BoardDocument } from '#shared/board/boardDoc';
import { stagesFromTemplate, type PathwayTemplateId } from '#shared/board/pathway';
import type { AccessEvents } from '../access/accessEvents.ts';
import { NO_SUCH_BOARD, type AccessPolicy } from '../access/AccessPolicy.ts';
import { isRefusal, refuse, type Refusal } from '../refusal.ts';
import type { Principal } from '../access/principal.ts';
import type { AuditedChange, BoardChange, BoardStorage } from '../storage/BoardStorage.ts';
import type { TransactionOrigin } from '../sync/origin.ts';
import { auditRows } from '../audit/auditHook.ts';
import { wholeProjection } from '../projection/boardProjection.ts';
import { BoardRecords } from '../sync/boardRecords.ts';
import type { Logger } from '../log.ts';
import type { TeamsRepository } from '../teams/teamsRepository.ts';
import type { BoardMember } from '#shared/boards';
import type { BoardRecord, BoardsRepository } from './boardsRepository.ts';

type NewBoard = z.output<typeof createBoardRequest>;

export interface BoardAdminDeps {
  boards: BoardsRepository;
  teams: TeamsRepository;
  policy: AccessPolicy;
  storage: BoardStorage;
  events: AccessEvents;
  /** Tells the users who can open a new board about it. */
  onBoardCreated(boardId: string): Promise<void>;
  /** A board's records as JSON (a BoardSnapshot), read by the sync server that holds its document. */
  snapshot(boardId: string): Promise<Buffer>;
  log: Pick<Logger, 'warn'>;
}

/**
 * Boards as their teams see them: opening one (with what the caller may do on it), creating one
 * from a pathway template, renaming it or changing which teams own it, and who works on it.
 */
export class BoardAdmin {
  constructor(private readonly deps: BoardAdminDeps) {}

  /** The board with the caller's access, or the policy's refusal. */
  async summary(principal: Principal, boardId: string): Promise<BoardSummary | Refusal> {
    const access = await this.deps.policy.boardAccess(principal, boardId);
    if (isRefusal(access)) return access;
    const board = await this.deps.boards.get(boardId);
    if (!board) return NO_SUCH_BOARD;
    return withAccess(board, access);
  }

  async members(principal: Principal, boardId: string): Promise<BoardMember[] | Refusal> {
    const access = await this.deps.policy.boardAccess(principal, boardId);
    if (isRefusal(access)) return access;
    return this.deps.boards.members(boardId);
  }

  /** The board's records as they are now (JSON), for anyone who can open it: shown while its document loads. */
  async snapshot(principal: Principal, boardId: string): Promise<Buffer | Refusal> {
    const access = await this.deps.policy.boardAccess(principal, boardId);
    if (isRefusal(access)) return access;
    return this.deps.snapshot(boardId);
  }

  /**
   * Admins create boards for any teams, facilitators for teams they facilitate. The board's first
   * document state, its pathway stages, is durable before anyone hears about the board.
   */
  async create(principal: Principal, request: NewBoard): Promise<BoardSummary | Refusal> {
    const teamIds = [...new Set(request.teamIds)];
    const missing = await this.#missingTeams(teamIds);
    if (missing) return missing;
    for (const teamId of teamIds) {
      if (!(await this.deps.policy.canManageTeam(principal, teamId)))
        return refuse('forbidden', 'You can only create boards for teams you facilitate');
    }
    const board = await this.deps.boards.create({ name: request.name, teamIds });
    try {
      // Written now rather than at the end of the group-commit window: the board is not announced
      // until its first state is durable, and nobody should wait a window for that.
      const first = firstState(board.id, request.pathwayTemplate, principal);
      const written = this.deps.storage.append(board.id, first);
      await this.deps.storage.flush();
      await written;
    } catch (error) {
      await this.deps.boards.discard(board.id);
      throw error;
    }
    // The board exists whatever happens next; open lists that miss the news fetch it on reconnect.
    await this.deps
      .onBoardCreated(board.id)
      .catch((err: unknown) =>
        this.deps.log.warn({ err, boardId: board.id }, 'announcing a new board failed'),
      );
    return this.summary(principal, board.id);
  }

  /** Renames a board and/or replaces its owning teams (admins only; the route checks). */
  async update(
    principal: Principal,
    boardId: string,
    request: UpdateBoardRequest,
  ): Promise<BoardSummary | Refusal> {
    const teamIds = request.teamIds && [...new Set(request.teamIds)];
    const missing = teamIds && (await this.#missingTeams(teamIds));
    if (missing) return missing;
    const result = await this.deps.boards.update(boardId, { name: request.name, teamIds });
    if (!result) return NO_SUCH_BOARD;
    if (result.teamsChanged) this.deps.events.emit('board-changed', boardId);
    return this.summary(principal, boardId);
  }

  async #missingTeams(teamIds: readonly string[]): Promise<Refusal | null> {
    const missing = await this.deps.teams.missing(teamIds);
    return missing.length > 0
      ? refuse('invalid', `There is no team with the id ${missing.join(', ')}`, 'teamIds')
      : null;
  }
}

function withAccess(board: BoardRecord, access: BoardAccess): BoardSummary {
  return { id: board.id, name: board.name, createdAt: board.createdAt, access, teams: board.teams };
}

/** A new board's document (the template's pathway stages, written by the server), its trail and projection. */
export function firstState(
  boardId: string,
  template: PathwayTemplateId,
  creator: Pick<Principal, 'userId' | 'name' | 'organisationName' | 'organisationId'>,
): BoardChange {
  const doc = new Y.Doc();
  const records = new BoardRecords(doc);
  const audit: AuditedChange[] = [];
  // The stages are the creator's doing: the trail says so.
  const origin: TransactionOrigin = {
    source: 'server',
    user: {
      id: creator.userId,
      name: creator.name,
      organisation: creator.organisationName,
      organisationId: creator.organisationId,
    },
  };
  doc.on('afterTransaction', (transaction) => {
    const { records: touched, strays } = records.touched(transaction);
    records.accept(touched);
    audit.push(
      ...auditRows({
        boardId,
        origin,
        at: new Date(),
        records: touched,
        strays,
        facts: records.facts([]),
        actorOf: () => null,
      }),
    );
  });
  new BoardDocument(doc, origin).addPathwayStages(stagesFromTemplate(template), {
    by: { id: creator.userId, name: creator.name },
  });
  const update = Y.encodeStateAsUpdate(doc);
  const projection = wholeProjection(doc);
  doc.destroy();
  return { update, audit, projection };
}
