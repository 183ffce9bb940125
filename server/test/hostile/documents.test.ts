import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { Collection } from '#shared/board/boardDoc';
import { DEMO, signIn } from '../support/auth.ts';
import { GRACE, actionTitles, anAction, by, newBoard } from '../support/boards.ts';
import { connectClient, docContent } from '../support/clients.ts';
import {
  boardWithTwoMembers,
  expectConverged,
  priyaAdds,
  storedContent,
  watched,
} from '../support/hostile.ts';
import { DATABASE_KINDS, useSharedServer } from '../support/sharedServer.ts';

type RecordMap = Y.Map<Y.Map<unknown>>;
const collection = (doc: Y.Doc, name: string): RecordMap => doc.getMap(name) as RecordMap;

/**
 * A member's Yjs client is input like any other: whatever it writes, the server keeps only what
 * the board's schema and rules allow. A refused change is undone before anyone else sees it, the
 * sender's copy is put back, the sender is told why in words, and nothing else is affected.
 */
describe.each(DATABASE_KINDS)('a member’s document changes that break the board’s rules (%s)', (kind) => {
  const server = useSharedServer(kind);

  /**
   * Grace's client writes `write` directly into the document; the change is refused with a message
   * matching `message`, her copy returns to what it was, Priya never receives any of it, storage
   * never holds it, and a valid change after it is kept as usual.
   */
  async function expectRefused(
    setup: Awaited<ReturnType<typeof boardWithTwoMembers>>,
    write: (doc: Y.Doc) => void,
    message: RegExp,
    marker?: string,
  ): Promise<void> {
    const { boardId, grace, priya } = setup;
    const before = JSON.stringify(docContent(priya.doc));
    grace.doc.transact(() => write(grace.doc));
    // One refusal for each record the change broke, each saying why.
    await expect.poll(() => grace.refusals.length).toBeGreaterThan(0);
    expect(grace.refusals.map((r) => r.message)).toEqual(
      grace.refusals.map(() => expect.stringMatching(message)),
    );
    // Her copy is put back to the state everyone else has.
    await expect.poll(() => JSON.stringify(docContent(grace.doc))).toBe(before);
    // Kept changes carry on: one made after the refused one reaches everyone and is stored.
    priyaAdds(priya, 'Kept after the refusal');
    await expect.poll(() => actionTitles(grace)).toContain('Kept after the refusal');
    await expectConverged(server(), boardId, [priya, grace]);
    if (marker) {
      expect(priya.wasSent(marker)).toBe(false);
      await server().storage.flush();
      const stored = await server().storage.load(boardId);
      expect(Buffer.from(stored!).includes(Buffer.from(marker))).toBe(false);
    }
  }

  it('refuses an action with no owner, and a status the schema does not have', async () => {
    const setup = await boardWithTwoMembers(server());
    await expectRefused(
      setup,
      (doc) => {
        const action = new Y.Map<unknown>();
        collection(doc, Collection.actions).set('ownerless-action', action);
        action.set('title', 'Nobody owns this');
        action.set('status', 'proposed');
        action.set('dueDate', '2026-12-05');
        action.set('createdAt', new Date().toISOString());
        action.set('createdBy', 'Grace Okafor');
        action.set('createdById', GRACE.id);
      },
      /A new action “Nobody owns this”: .*owner/,
      'Nobody owns this',
    );

    const added = priyaAdds(setup.priya, 'Review the care package');
    await expect.poll(() => actionTitles(setup.grace)).toContain('Review the care package');
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => collection(doc, Collection.actions).get(added.id)!.set('status', 'exploded'),
      /The action “Review the care package”: status/,
      'exploded',
    );
  });

  it('refuses a record that is not a map of fields, and fields that are not part of a record', async () => {
    const setup = await boardWithTwoMembers(server());
    await expectRefused(
      setup,
      (doc) => (doc.getMap(Collection.actions) as Y.Map<unknown>).set('a-string', 'just some text'),
      /not a map of fields/,
      'just some text',
    );
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => collection(doc, Collection.people).get('person-1')!.set('favouriteColour', 'teal-and-orange'),
      /“favouriteColour” is not part of a person/,
      'teal-and-orange',
    );
    // Shared text where a plain value belongs, in a record the server holds as valid: the change sets
    // that field alone, and is refused all the same.
    const added = priyaAdds(setup.priya, 'Book the falls clinic');
    await expect.poll(() => actionTitles(setup.grace)).toContain('Book the falls clinic');
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => collection(doc, Collection.actions).get(added.id)!.set('dueDate', new Y.Text('2027-01-05')),
      /The action “Book the falls clinic”: dueDate: must be a plain value/,
      '2027-01-05',
    );
  });

  it('refuses top-level types that are not part of the board’s schema', async () => {
    const setup = await boardWithTwoMembers(server());
    await expectRefused(
      setup,
      (doc) => {
        doc.getMap('secretNotes').set('note', 'kept off the record');
        doc.getArray('log').push(['also off the record']);
      },
      /people, goals, actions and pathway stages only/,
      'kept off the record',
    );
    // Nothing of them reaches anyone, not even their names.
    expect([...setup.priya.doc.share.keys()].sort()).toEqual(Object.values(Collection).sort());
    expect(setup.priya.wasSent('secretNotes')).toBe(false);
  });

  it('refuses a 6,000,000-character title without sending it to anyone or storing it', async () => {
    const setup = await boardWithTwoMembers(server());
    const added = priyaAdds(setup.priya, 'Arrange a key safe');
    await expect.poll(() => actionTitles(setup.grace)).toContain('Arrange a key safe');
    await expectRefused(
      setup,
      (doc) =>
        collection(doc, Collection.actions)
          .get(added.id)!
          .set('title', `Z${'z'.repeat(6_000_000)}`),
      /Keep the action to 300 characters or fewer/,
      'zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz',
    );
    expect(Math.max(...setup.priya.received.map((u) => u.byteLength))).toBeLessThan(100_000);
  });

  it('refuses accepting an action proposed to someone else: only its owner can', async () => {
    const setup = await boardWithTwoMembers(server());
    const forTom = setup.priya.board.addAction(
      {
        ...anAction('Review medication with the pharmacist'),
        ownerId: 'demo-tom-reid',
        ownerName: 'Dr Tom Reid',
      },
      { by: by() },
    );
    expect(forTom.status).toBe('proposed');
    await expect.poll(() => actionTitles(setup.grace)).toContain('Review medication with the pharmacist');
    await expectRefused(
      setup,
      (doc) => collection(doc, Collection.actions).get(forTom.id)!.set('status', 'accepted'),
      /Only Dr Tom Reid can accept this action/,
    );
    // Marking it done without its owner is refused the same way; cancelling is anyone's to do.
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => {
        const action = collection(doc, Collection.actions).get(forTom.id)!;
        action.set('status', 'done');
        action.set('completedAt', new Date().toISOString());
      },
      /Only Dr Tom Reid can accept this action/,
    );
    setup.grace.refusals.length = 0;
    setup.grace.board.updateAction(forTom.id, { status: 'cancelled' }, { by: GRACE });
    await expect
      .poll(() => setup.priya.board.readActions().find((r) => r.id === forTom.id))
      .toMatchObject({ ok: true, value: { status: 'cancelled' } });
    expect(setup.grace.refusals).toEqual([]);
  });

  it('refuses an action added in someone else’s name, or accepted for someone else at once', async () => {
    const setup = await boardWithTwoMembers(server());
    await expectRefused(
      setup,
      (doc) => writeAction(doc, { createdById: 'demo-priya-shah' }),
      /added in the name of the person adding it/,
    );
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => writeAction(doc, { status: 'accepted' }),
      /starts as proposed, until they accept it/,
    );
  });

  it('refuses deleting a stage people are at, deleting people, and erasing the whole board', async () => {
    const setup = await boardWithTwoMembers(server());
    const stage = setup.priya.board.readPathwayStages().find((s) => s.ok)!;
    setup.priya.board.movePersonToStage('person-1', stage.id, { by: by() });
    priyaAdds(setup.priya, 'Falls clinic referral');
    await expect.poll(() => actionTitles(setup.grace)).toContain('Falls clinic referral');
    await expect
      .poll(() => setup.grace.board.readPeople().find((p) => p.id === 'person-1'))
      .toMatchObject({ value: { stageId: stage.id } });

    await expectRefused(
      setup,
      (doc) => doc.getMap(Collection.pathwayStages).delete(stage.id),
      /1 person is at this stage: move them to another stage first/,
    );
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => {
        const people = doc.getMap(Collection.people);
        for (const id of [...people.keys()]) people.delete(id);
      },
      /People are archived with a reason, never deleted/,
    );
    // Erasing the whole board in one message: everything clinical stays, and so does the stage
    // someone is at; only the stages nobody is at go, as a member may remove those.
    setup.grace.refusals.length = 0;
    const before = docContent(setup.priya.doc) as Record<string, Record<string, unknown>>;
    setup.grace.doc.transact(() => {
      for (const name of Object.values(Collection)) {
        const map = setup.grace.doc.getMap(name);
        for (const id of [...map.keys()]) map.delete(id);
      }
    });
    await expect.poll(() => setup.grace.refusals.length).toBeGreaterThan(2);
    expect(setup.grace.refusals.map((r) => r.message)).toEqual(
      setup.grace.refusals.map(() => expect.stringMatching(/never deleted|at this stage/)),
    );
    const kept = { ...before, pathwayStages: { [stage.id]: before.pathwayStages![stage.id] } };
    await expect.poll(() => JSON.stringify(docContent(setup.grace.doc))).toBe(JSON.stringify(kept));
    await expectConverged(server(), setup.boardId, [setup.priya, setup.grace]);
    expect(actionTitles(setup.priya)).toContain('Falls clinic referral');
  });

  it('keeps comments as their authors wrote them: none in another’s name, on a record not on the board, changed by anyone else, rewritten without keeping what they said, moved, deleted or brought back', async () => {
    const setup = await boardWithTwoMembers(server());
    const comments = (doc: Y.Doc) => collection(doc, Collection.comments);
    const priyas = setup.priya.board.addComment(
      { subjectType: 'people', subjectId: 'person-1', body: 'Daughter visiting on Thursday' },
      { by: by() },
    );
    const graces = () => setup.grace.board.readComments().find((c) => c.id === 'grace-comment');
    setup.grace.board.addComment(
      { subjectType: 'people', subjectId: 'person-1', body: 'Falls clinic letter sent' },
      { by: GRACE, id: 'grace-comment' },
    );
    await expect.poll(() => setup.priya.board.readComments().length).toBe(2);

    const writeComment = (doc: Y.Doc, fields: Record<string, unknown>) => {
      const comment = new Y.Map<unknown>();
      comments(doc).set(`hand-written-${Math.random().toString(36).slice(2, 10)}`, comment);
      const values: Record<string, unknown> = {
        subjectType: 'people',
        subjectId: 'person-1',
        body: 'Written by hand',
        mentions: [],
        edits: [],
        editedAt: null,
        withdrawnAt: null,
        createdAt: new Date().toISOString(),
        createdBy: 'Grace Okafor',
        createdById: GRACE.id,
        ...fields,
      };
      for (const [key, value] of Object.entries(values)) comment.set(key, value);
    };
    const cases: [(doc: Y.Doc) => void, RegExp][] = [
      [
        (doc) => writeComment(doc, { createdById: 'demo-priya-shah' }),
        /in the name of the person writing it/,
      ],
      [
        (doc) => writeComment(doc, { subjectType: 'actions', subjectId: 'no-such-action' }),
        /The action this comment is on is not on this board/,
      ],
      [(doc) => comments(doc).get(priyas.id)!.set('body', 'Changed by Grace'), /Only Priya Shah can change/],
      [
        (doc) => comments(doc).get(priyas.id)!.set('withdrawnAt', new Date().toISOString()),
        /Only Priya Shah can change or withdraw this comment/,
      ],
      [
        (doc) => comments(doc).get('grace-comment')!.set('body', 'Rewritten with no trace'),
        /An edited comment keeps what it said before/,
      ],
      [
        (doc) => comments(doc).get('grace-comment')!.set('subjectId', 'person-2'),
        /stays on the action or person it was written on/,
      ],
      [(doc) => comments(doc).delete('grace-comment'), /Comments are withdrawn, never deleted/],
    ];
    for (const [write, message] of cases) {
      setup.grace.refusals.length = 0;
      await expectRefused(setup, write, message);
    }

    // Her own comment, edited and withdrawn her way, is kept; a withdrawn comment stays withdrawn.
    setup.grace.board.editComment(
      'grace-comment',
      { body: 'Falls clinic letter sent on Monday', mentions: [] },
      { by: GRACE },
    );
    setup.grace.board.withdrawComment('grace-comment', { by: GRACE });
    await expect
      .poll(() => setup.priya.board.readComments().find((c) => c.id === 'grace-comment'))
      .toMatchObject({
        ok: true,
        value: { body: 'Falls clinic letter sent on Monday', edits: [{ body: 'Falls clinic letter sent' }] },
      });
    expect(graces()).toMatchObject({ ok: true, value: { withdrawnAt: expect.any(String) } });
    setup.grace.refusals.length = 0;
    await expectRefused(
      setup,
      (doc) => comments(doc).get('grace-comment')!.set('withdrawnAt', null),
      /A withdrawn comment stays withdrawn/,
    );
  });

  it('refuses a second person with an NHS number already on the board', async () => {
    const setup = await boardWithTwoMembers(server());
    setup.priya.board.updatePerson('person-1', { nhsNumber: '943 476 5919' }, { by: by() });
    await expect
      .poll(() => setup.grace.board.readPeople().find((p) => p.id === 'person-1'))
      .toMatchObject({ value: { nhsNumber: '9434765919' } });
    await expectRefused(
      setup,
      (doc) => {
        const person = new Y.Map<unknown>();
        collection(doc, Collection.people).set('second-margaret', person);
        person.set('name', 'Margaret Ellis (again)');
        person.set('nhsNumber', '9434765919');
      },
      /A new person “Margaret Ellis \(again\)”: Margaret Ellis already has this NHS number on this board/,
    );
  });

  it('refuses a BigInt value, and the board goes on sending and storing changes', async () => {
    const setup = await boardWithTwoMembers(server());
    const added = priyaAdds(setup.priya, 'Order a walking frame');
    await expect.poll(() => actionTitles(setup.grace)).toContain('Order a walking frame');
    await expectRefused(
      setup,
      (doc) => collection(doc, Collection.actions).get(added.id)!.set('dueDate', 20_261_205n),
      /due date/,
    );
    // Her own later changes through Huddle's accessors are kept and reach Priya.
    setup.grace.board.updateAction(
      added.id,
      { title: 'Order a walking frame and a perching stool' },
      { by: GRACE },
    );
    await expect
      .poll(() => actionTitles(setup.priya))
      .toContain('Order a walking frame and a perching stool');
    await expectConverged(server(), setup.boardId, [setup.priya, setup.grace]);
  });

  it('refuses ids and field names that are not plain and short, and storage goes on for every board', async () => {
    const setup = await boardWithTwoMembers(server());
    const other = await boardWithTwoMembers(server(), 'Another board');
    for (const [id, field] of [
      ['nul\u0000id', 'title'],
      ['x'.repeat(4_000), 'title'],
      ['half-\ud83d-symbol', 'title'],
      ['fine-id', 'ti\u0000tle'],
    ] as const) {
      setup.grace.refusals.length = 0;
      await expectRefused(
        setup,
        (doc) => {
          const action = new Y.Map<unknown>();
          collection(doc, Collection.actions).set(id, action);
          action.set(field, 'Hostile identifiers');
        },
        /id of up to 64 letters|not part of an action/,
      );
      priyaAdds(other.priya, `Kept on the other board ${id.length}`);
    }
    await expectConverged(server(), other.boardId, [other.priya, other.grace]);
    expect(actionTitles(other.priya)).toHaveLength(4);
    const rows = await server()
      .database.db.selectFrom('audit_events')
      .select('record_id')
      .where('board_id', '=', setup.boardId)
      .where('record_type', '=', 'actions')
      .execute();
    expect(rows.every((r) => r.record_id !== null && /^[A-Za-z0-9_-]{1,64}$/.test(r.record_id))).toBe(true);
  });

  it('keeps a record written wrongly before these rules readable and editable, but lets no change make it worse', async () => {
    const boardId = await newBoard(server().url, 'Board with an old record', undefined, { person: false });
    // Stored before the server checked changes: an action whose title is a number.
    const legacy = new Y.Doc();
    legacy.transact(() => {
      const action = new Y.Map<unknown>();
      collection(legacy, Collection.actions).set('old-action', action);
      action.set('title', 42);
      action.set('status', 'proposed');
    });
    await server().storage.append(boardId, { update: Y.encodeStateAsUpdate(legacy) });
    await server().storage.flush();
    const grace = watched(
      connectClient(server().url, boardId, { cookie: await signIn(server().url, DEMO.member) }),
    );
    await grace.synced();
    const read = () => grace.board.readActions().find((r) => r.id === 'old-action');
    expect(read()).toMatchObject({ ok: false });
    // A change that adds no problem is kept (here, it fixes one of them).
    collection(grace.doc, Collection.actions).get('old-action')!.set('title', 'Chase the old referral');
    const watcher = connectClient(server().url, boardId, {
      cookie: await signIn(server().url, DEMO.otherMember),
    });
    await expect.poll(() => JSON.stringify(docContent(watcher.doc))).toContain('Chase the old referral');
    expect(grace.refusals).toEqual([]);
    // One that adds a problem is not.
    collection(grace.doc, Collection.actions).get('old-action')!.set('status', 'exploded');
    await expect.poll(() => grace.refusals.map((r) => r.message)).toEqual([expect.stringMatching(/status/)]);
    await expect
      .poll(() => {
        const r = read();
        return r && !r.ok ? r.raw.status : null;
      })
      .toBe('proposed');
    expect(JSON.stringify(await storedContent(server(), boardId))).toContain('Chase the old referral');
  });
});

/** An action as a client might write it by hand: Grace's own, proposed to Priya, unless `fields` say otherwise. */
function writeAction(doc: Y.Doc, fields: Record<string, unknown>): void {
  const action = new Y.Map<unknown>();
  collection(doc, Collection.actions).set(`hand-written-${Math.random().toString(36).slice(2, 10)}`, action);
  const values: Record<string, unknown> = {
    title: 'Written by hand',
    ownerId: 'demo-priya-shah',
    ownerName: 'Priya Shah',
    ownerOrganisationId: 'riverside-community',
    dueDate: '2026-12-10',
    status: 'proposed',
    personId: 'person-1',
    createdAt: new Date().toISOString(),
    createdBy: 'Grace Okafor',
    createdById: GRACE.id,
    ...fields,
  };
  for (const [key, value] of Object.entries(values)) action.set(key, value);
}
