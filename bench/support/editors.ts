import * as prng from 'lib0/prng';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { BoardDocument, Collection } from '#shared/board/boardDoc';
import { SBAR_PARTS, SHARED_TEXT_MAX } from '#shared/board/person';
import { todayIsoDate } from '#shared/board/record';
import { ACTION_TITLES } from './boardGenerate.ts';
import { connectClient, watchRefusals, type Endpoint } from './clients.ts';
import type { BenchMember } from './members.ts';

/**
 * Board members editing continuously for the durability bench, each through an unmodified
 * y-websocket client and `BoardDocument` as the signed-in member (so every edit keeps the board's
 * rules), with a log of every edit precise enough to tell afterwards whether it survived.
 */

export type EditKind = 'add' | 'title' | 'dueDate' | 'sbar';

export const EDIT_KINDS: readonly EditKind[] = ['add', 'title', 'dueDate', 'sbar'];

export const EDIT_KIND_LABELS: Record<EditKind, string> = {
  add: 'actions added',
  title: 'titles changed',
  dueDate: 'due dates changed',
  sbar: 'words typed into SBAR',
};

/** How often each kind of edit is chosen. */
const EDIT_WEIGHTS: [EditKind, number][] = [
  ['add', 25],
  ['title', 25],
  ['dueDate', 20],
  ['sbar', 30],
];

/** An SBAR part stops taking words this far below the longest shared text allowed. */
const SBAR_ROOM = SHARED_TEXT_MAX - 1_000;

/** One edit as its client made it: what, where, and the Yjs id range it wrote. */
export interface Edit {
  kind: EditKind;
  editor: number;
  board: number;
  /** The client's Yjs client id and its clock after the edit: the edit is stored iff a document has reached it. */
  clientId: number;
  clock: number;
  /** The action (add, title, dueDate) or person (sbar) it changed. */
  recordId: string;
  /** sbar: the SBAR part and the word typed into it (unique across the run). */
  field: string | null;
  word: string | null;
}

export interface Editor {
  index: number;
  boardIndex: number;
  member: BenchMember;
  doc: Y.Doc;
  provider: WebsocketProvider;
  board: BoardDocument;
  /** When the provider last finished a sync with the server (performance.now), or -1. */
  syncedAt: number;
  /** Close codes the server's end sent (1006: the connection dropped), with how often. */
  closeCodes: Map<number, number>;
  /** The provider gave up reconnecting (a close code it takes as final). */
  gaveUp: boolean;
  /** Changes the server said it did not keep, in its words (the first few). */
  refusals: { count: number; sample: string[] };
  /** Edits this editor made, for unique titles and words. */
  made: number;
}

export function connectEditor(
  endpoint: Endpoint,
  room: string,
  index: number,
  boardIndex: number,
  member: BenchMember,
): Editor {
  const { doc, provider } = connectClient(endpoint, room);
  const editor: Editor = {
    index,
    boardIndex,
    member,
    doc,
    provider,
    board: new BoardDocument(doc),
    syncedAt: -1,
    closeCodes: new Map(),
    gaveUp: false,
    refusals: { count: 0, sample: [] },
    made: 0,
  };
  watchRefusals(provider, (refusal) => {
    editor.refusals.count++;
    if (editor.refusals.sample.length < 3) editor.refusals.sample.push(refusal.message);
  });
  provider.on('sync', (synced: boolean) => {
    if (synced) editor.syncedAt = performance.now();
  });
  provider.on('connection-close', (event: { code: number } | null) => {
    const code = event?.code ?? 0;
    editor.closeCodes.set(code, (editor.closeCodes.get(code) ?? 0) + 1);
  });
  provider.on('closed', () => {
    editor.gaveUp = true;
  });
  return editor;
}

function weighted<T>(gen: prng.PRNG, choices: [T, number][]): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  let pick = prng.real53(gen) * total;
  for (const [value, weight] of choices) {
    pick -= weight;
    if (pick < 0) return value;
  }
  return choices[choices.length - 1]![0];
}

function pick<T>(gen: prng.PRNG, list: readonly T[]): T {
  return list[prng.int32(gen, 0, list.length - 1)]!;
}

/** Positions in `text` where a new word can go without splitting one: the start, and after each space. */
function wordStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === ' ') starts.push(i + 1);
  return starts;
}

/** The words of a shared text field as the durability bench types them. */
export function wordsOf(text: string): string[] {
  return text.split(' ').filter(Boolean);
}

/**
 * Makes one edit chosen with `gen` on the editor's own copy of its board (connected or not), as
 * the member: add an action for one of `owners` (proposed unless it is the member's own), change
 * an action's title or due date, or type a word into a person's SBAR part. Null when nothing
 * changed (say, no action to change yet and no room left to type).
 */
export function makeEdit(
  editor: Editor,
  gen: prng.PRNG,
  owners: readonly BenchMember[],
  personIds: readonly string[],
): Edit | null {
  const n = ++editor.made;
  const actions = editor.board.readActions().flatMap((a) => (a.ok ? [a.value] : []));
  let kind = weighted(gen, EDIT_WEIGHTS);
  if ((kind === 'title' || kind === 'dueDate') && actions.length === 0) kind = 'add';
  const name = `${editor.index + 1}.${n}`;
  const before = Y.getState(editor.doc.store, editor.doc.clientID);
  let recordId!: string;
  let field: string | null = null;
  let word: string | null = null;
  const daysAhead = (days: number) => todayIsoDate(new Date(Date.now() + days * 86_400_000));

  if (kind === 'sbar') {
    const personId = pick(gen, personIds);
    const part = pick(gen, SBAR_PARTS).field;
    const text = editor.board.sharedText(Collection.people, personId, part);
    if (!text || text.length >= SBAR_ROOM) kind = actions.length > 0 ? 'title' : 'add';
    else {
      recordId = personId;
      field = part;
      word = `w${name}`;
      // As y-textarea does for a word typed or pasted: one insert, at a place between words.
      text.insert(pick(gen, wordStarts(text.toString())), `${word} `);
    }
  }
  if (kind === 'add') {
    const owner = pick(gen, owners);
    recordId = `bench-action-${editor.index + 1}-${n}`;
    editor.board.addAction(
      {
        title: `${pick(gen, ACTION_TITLES)} (${name})`,
        ownerId: owner.id,
        ownerName: owner.name,
        ownerOrganisationId: owner.organisationId,
        dueDate: daysAhead(prng.int32(gen, 1, 90)),
        personId: pick(gen, personIds),
      },
      { by: editor.member.actor, id: recordId },
    );
  } else if (kind === 'title') {
    const action = pick(gen, actions);
    recordId = action.id;
    editor.board.updateAction(
      action.id,
      { title: `${pick(gen, ACTION_TITLES)} (${name})` },
      { by: editor.member.actor },
    );
  } else if (kind === 'dueDate') {
    const action = pick(gen, actions);
    recordId = action.id;
    let dueDate = daysAhead(prng.int32(gen, 1, 90));
    if (dueDate === action.dueDate) dueDate = daysAhead(91);
    editor.board.updateAction(action.id, { dueDate }, { by: editor.member.actor });
  }
  const clock = Y.getState(editor.doc.store, editor.doc.clientID);
  if (clock === before) return null;
  return {
    kind,
    editor: editor.index,
    board: editor.boardIndex,
    clientId: editor.doc.clientID,
    clock,
    recordId,
    field,
    word,
  };
}
