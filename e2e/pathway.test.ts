import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PersonInput } from '#shared/board/person';
import { connectClient } from '../server/test/support/clients.ts';
import { demo, type DemoUser } from './support/demoUsers.ts';
import { accessibilityProblems, screenshot } from './support/axe.ts';
import { useScenario, textOf } from './support/scenario.ts';
import { BoardPage } from './support/pages/BoardPage.ts';
import { NOT_ON_PATHWAY, PathwayPage } from './support/pages/PathwayPage.ts';
import { COLUMN_FIRST_CARDS } from '../client/src/lib/board/firstDrawn.ts';

const unique = (label: string): string => `${label} ${randomUUID().slice(0, 8)}`;

const FRAILTY_STAGES = [
  'Identified',
  'Comprehensive Geriatric Assessment',
  'Care and support plan',
  'Interventions',
  'Review',
  'Stepped down',
];

/** Noon on the day `days` ago, in this machine's time zone (the browsers' too). */
function daysAgo(days: number): Date {
  const date = new Date();
  date.setHours(12, 0, 0, 0);
  date.setDate(date.getDate() - days);
  return date;
}

/** A screenshot to look at after a run, and what axe finds wrong in the pathway view. */
async function checkView(page: Page, name: string): Promise<string[]> {
  await screenshot(page, name);
  return accessibilityProblems(page, '[data-testid="view-pathway"]');
}

/** A page whose frames are held back (`requestAnimationFrame` queues) until `releaseFrames`. */
interface HeldFrames {
  requestAnimationFrame: (callback: (time: number) => void) => number;
  releaseFrames: () => void;
}

interface Seeded extends PersonInput {
  stage?: string;
  /** How long ago they entered their stage. */
  days?: number;
  /** Archived, with this reason. */
  archived?: string;
}

describe('the pathway', () => {
  const scenario = useScenario();
  const actor = (user: DemoUser, startPath = '/') => scenario.signedIn(user, startPath);

  /** Writes people straight into a board's document (a y-websocket client signed in as Grace). */
  async function seed(boardId: string, people: Seeded[]): Promise<void> {
    const client = connectClient(scenario.server.url, boardId, {
      cookie: await scenario.server.signIn(demo.grace.email),
    });
    await client.synced();
    const stageIds = new Map(
      client.board.readPathwayStages().flatMap((s) => (s.ok ? [[s.value.name, s.id] as const] : [])),
    );
    client.doc.transact(() => {
      for (const { stage, days, archived, ...input } of people) {
        const person = client.board.addPerson(input, { by: { id: demo.grace.id, name: demo.grace.name } });
        if (stage !== undefined) {
          const stageId = stageIds.get(stage);
          if (!stageId) throw new Error(`no stage called ${stage}`);
          client.board.movePersonToStage(person.id, stageId, {
            by: { id: demo.grace.id, name: demo.grace.name },
            now: daysAgo(days ?? 0),
          });
        }
        if (archived)
          client.board.archivePerson(person.id, archived, {
            by: { id: demo.grace.id, name: demo.grace.name },
          });
      }
    });
  }

  it('moves people by keyboard and by drag and drop, and a second clinician sees them move live', async () => {
    const board = await scenario.server.createBoard(unique('E2E pathway'));
    const margaret = unique('Margaret Ellis');
    const joseph = unique('Joseph Okoro');
    const waiting = unique('Doris Hale');

    const grace = new PathwayPage((await actor(demo.grace, BoardPage.path(board.id))).page);
    await grace.board.heading(board.name).waitFor();
    await grace.board.waitUntilLive();
    await grace.board.addPerson({ name: margaret });
    await grace.board.addPerson({ name: joseph });
    await seed(board.id, [
      {
        name: waiting,
        stage: 'Review',
        days: 12,
        keyWorkerId: demo.priya.id,
        keyWorkerName: demo.priya.name,
      },
    ]);
    await grace.openFromNav();

    const tom = new PathwayPage((await actor(demo.tom, PathwayPage.path(board.id))).page);
    await tom.view().waitFor();
    await tom.board.waitUntilLive();

    for (const clinician of [grace, tom]) {
      await expect.poll(() => clinician.columnNames()).toEqual([NOT_ON_PATHWAY, ...FRAILTY_STAGES]);
      await clinician.cardIn(NOT_ON_PATHWAY, margaret).waitFor();
      await clinician.cardIn(NOT_ON_PATHWAY, joseph).waitFor();
      await expect.poll(textOf(clinician.cardIn('Review', waiting))).toContain('12 days in this stage');
      await expect
        .poll(textOf(clinician.cardIn('Review', waiting)))
        .toContain(`Key worker: ${demo.priya.name}`);
      await expect.poll(textOf(clinician.count(NOT_ON_PATHWAY))).toBe('2 people');
      await expect.poll(textOf(clinician.count('Review'))).toBe('1 person');
    }

    // By keyboard: focus stays on the moved card's Stage control, now in its new column.
    await grace.moveByKeyboard(margaret, 'Comprehensive Geriatric Assessment');
    await grace.cardIn('Comprehensive Geriatric Assessment', margaret).waitFor();
    await expect
      .poll(() => grace.focused())
      .toEqual({ column: 'Comprehensive Geriatric Assessment', label: `Stage of ${margaret}` });
    await expect
      .poll(textOf(grace.announcement()))
      .toBe(`${margaret} moved to Comprehensive Geriatric Assessment`);
    await tom.cardIn('Comprehensive Geriatric Assessment', margaret).waitFor();
    await expect.poll(() => tom.cardIn(NOT_ON_PATHWAY, margaret).count()).toBe(0);
    await expect
      .poll(textOf(tom.cardIn('Comprehensive Geriatric Assessment', margaret)))
      .toContain('Entered today');

    // Alt with the right arrow moves her one stage on, focus still with her.
    await grace.page.keyboard.press('Alt+ArrowRight');
    await grace.cardIn('Care and support plan', margaret).waitFor();
    await expect
      .poll(() => grace.focused())
      .toEqual({ column: 'Care and support plan', label: `Stage of ${margaret}` });
    await tom.cardIn('Care and support plan', margaret).waitFor();

    // While Grace is on Margaret's card, Tom sees her working on it.
    await expect
      .poll(textOf(tom.cardIn('Care and support plan', margaret).getByTestId('editors')))
      .toContain(demo.grace.name);

    // By drag and drop.
    await grace.drag(joseph, 'Interventions');
    await grace.cardIn('Interventions', joseph).waitFor();
    await expect.poll(textOf(grace.announcement())).toBe(`${joseph} moved to Interventions`);
    await tom.cardIn('Interventions', joseph).waitFor();
    await expect.poll(textOf(tom.cardIn('Interventions', joseph))).toContain('Entered today');
    await expect.poll(textOf(tom.count(NOT_ON_PATHWAY))).toBe('0 people');
    expect(await checkView(grace.page, 'pathway.png')).toEqual([]);

    // Tom is on Margaret's card when Grace moves her: his focus follows her to her new column.
    await tom.stageControl(margaret).focus();
    await expect.poll(textOf(grace.card(margaret).getByTestId('editors'))).toContain(demo.tom.name);
    await grace.drag(margaret, 'Review');
    await tom.cardIn('Review', margaret).waitFor();
    await expect.poll(() => tom.focused()).toEqual({ column: 'Review', label: `Stage of ${margaret}` });
    await expect.poll(textOf(tom.announcement())).toBe(`${margaret} is now at Review`);

    // Everything stays where it was after a reload.
    await tom.page.reload();
    await tom.board.waitUntilLive();
    await tom.cardIn('Review', margaret).waitFor();
    await tom.cardIn('Interventions', joseph).waitFor();
    await expect.poll(textOf(tom.cardIn('Review', waiting))).toContain('12 days in this stage');
  });

  it('warns when a stage holds more people than its limit, and the team changes its stages', async () => {
    const board = await scenario.server.createBoard(unique('E2E pathway stages'));
    const names = [unique('Ada Brown'), unique('Bill Carter'), unique('Cora Dunn')];
    const archived = unique('Moved away');
    await seed(board.id, [
      ...names.map((name) => ({ name, stage: 'Identified' })),
      { name: archived, stage: 'Identified', archived: 'Moved out of area' },
    ]);
    const grace = new PathwayPage((await actor(demo.grace, PathwayPage.path(board.id))).page);
    await grace.view().waitFor();
    await grace.board.waitUntilLive();
    const tom = new PathwayPage((await actor(demo.tom, PathwayPage.path(board.id))).page);
    await tom.view().waitFor();
    await tom.board.waitUntilLive();
    await expect.poll(textOf(grace.count('Identified'))).toBe('3 people');
    await expect.poll(() => grace.namesIn('Identified')).toEqual(names);
    expect(await grace.card(archived).count()).toBe(0);

    // Stage settings are collapsed until asked for.
    await expect.poll(() => grace.settings().getAttribute('open')).toBeNull();
    await grace.openSettings();

    // A limit below the count warns in words, for everyone.
    await grace.changeStage('Identified', { limit: '2' });
    for (const clinician of [grace, tom]) {
      await expect.poll(textOf(clinician.count('Identified'))).toBe('3 of 2');
      await expect.poll(textOf(clinician.overLimit('Identified'))).toBe('Over limit: 3 people, limit 2');
    }
    await expect
      .poll(textOf(grace.page.getByTestId('pathway-summary')))
      .toContain('Over the limit: Identified');
    expect(await checkView(grace.page, 'pathway-stages.png')).toEqual([]);
    await grace.changeStage('Identified', { limit: '5' });
    await expect.poll(textOf(grace.count('Identified'))).toBe('3 of 5');
    await expect.poll(() => grace.overLimit('Identified').count()).toBe(0);
    await expect.poll(() => tom.overLimit('Identified').count()).toBe(0);

    // A limit that is not a whole number is refused, and what was typed stays.
    const row = grace.stageRow('Identified');
    await grace.changeStage('Identified', { limit: 'six' });
    await expect
      .poll(textOf(row.locator('.nhsuk-error-message')))
      .toContain('Give the limit as a whole number');
    await expect.poll(() => row.getByLabel('Limit (optional)').inputValue()).toBe('six');
    await expect.poll(textOf(grace.count('Identified'))).toBe('3 of 5');
    await grace.changeStage('Identified', { limit: '' });
    await expect.poll(textOf(grace.count('Identified'))).toBe('3 people');

    // Add a stage: it goes at the end.
    const extra = unique('Home first');
    await grace.addStage(extra, '4');
    for (const clinician of [grace, tom]) {
      await expect.poll(() => clinician.columnNames()).toEqual([NOT_ON_PATHWAY, ...FRAILTY_STAGES, extra]);
      await expect.poll(textOf(clinician.count(extra))).toBe('0 of 4');
    }
    await expect.poll(() => grace.addStageForm().getByLabel('Stage name').inputValue()).toBe('');

    // A stage needs a name.
    await grace.addStage('   ');
    await expect
      .poll(textOf(grace.addStageForm().locator('.nhsuk-error-message')))
      .toContain('Give the stage a name');

    // Rename it.
    const renamed = `${extra} review`;
    await grace.changeStage(extra, { name: renamed });
    for (const clinician of [grace, tom]) {
      await expect.poll(() => clinician.columnNames()).toEqual([NOT_ON_PATHWAY, ...FRAILTY_STAGES, renamed]);
    }

    // Move it left, before "Stepped down"; focus stays on its Move left button.
    await grace.moveStage(renamed, 'left');
    const reordered = [NOT_ON_PATHWAY, ...FRAILTY_STAGES.slice(0, 5), renamed, 'Stepped down'];
    for (const clinician of [grace, tom]) {
      await expect.poll(() => clinician.columnNames()).toEqual(reordered);
    }
    const moveLeft = grace.stageRow(renamed).getByRole('button', { name: `Move left the stage ${renamed}` });
    await expect.poll(() => moveLeft.and(grace.focusedElement()).count()).toBe(1);

    // A stage people are at cannot be removed; an empty one can.
    await grace.removeStage('Identified');
    await expect
      .poll(textOf(grace.stageRow('Identified').getByTestId('pathway-stage-problem')))
      .toContain('3 people are at this stage: move them to another stage first');
    await expect.poll(() => grace.columnNames()).toEqual(reordered);
    await grace.removeStage(renamed);
    for (const clinician of [grace, tom]) {
      await expect.poll(() => clinician.columnNames()).toEqual([NOT_ON_PATHWAY, ...FRAILTY_STAGES]);
    }
  });

  it('offers adding the first stage on a board made from the blank template', async () => {
    const board = await scenario.server.createBoard(unique('E2E blank pathway'), {
      pathwayTemplate: 'blank',
    });
    const person = unique('Edna Fox');
    await seed(board.id, [{ name: person }]);
    const grace = new PathwayPage((await actor(demo.grace, PathwayPage.path(board.id))).page);
    await grace.view().waitFor();
    await grace.board.waitUntilLive();

    await expect.poll(textOf(grace.empty())).toContain('no stages yet');
    await grace.cardIn(NOT_ON_PATHWAY, person).waitFor();
    // The form to add the first stage is there without opening anything.
    await expect.poll(() => grace.settings().getAttribute('open')).not.toBeNull();
    await expect.poll(() => grace.addStageForm().getByLabel('Stage name').isVisible()).toBe(true);
    expect(await checkView(grace.page, 'pathway-blank.png')).toEqual([]);

    await grace.addStage('Referred');
    await expect.poll(() => grace.columnNames()).toEqual([NOT_ON_PATHWAY, 'Referred']);
    await expect.poll(() => grace.empty().count()).toBe(0);
    await grace.moveByKeyboard(person, 'Referred');
    await grace.cardIn('Referred', person).waitFor();
  });

  it('shows a viewer every card live, with no controls that change the board', async () => {
    const board = await scenario.server.createBoard(unique('E2E pathway viewer'));
    const person = unique('Frank Gill');
    await seed(board.id, [
      { name: person, stage: 'Identified', days: 3, risk: 'red', riskReason: 'Two falls', frailtyScore: 6 },
    ]);
    const helen = new PathwayPage((await actor(demo.helen, PathwayPage.path(board.id))).page);
    await helen.view().waitFor();
    await helen.board.waitUntilLive();
    await helen.board.viewOnly().waitFor();

    const card = helen.cardIn('Identified', person);
    await card.waitFor();
    await expect.poll(textOf(card)).toContain('3 days in this stage');
    await expect.poll(textOf(card)).toContain('Red risk');
    await expect.poll(textOf(card)).toContain('CFS 6 Moderately frail');
    expect(await helen.moveControls().count()).toBe(0);
    // Only the buttons that bring columns out of sight into view: nothing that changes the board.
    const buttons = (await helen.view().getByRole('button').allInnerTexts()).map((text) => text.trim());
    expect(buttons.filter((text) => text !== 'Earlier stages' && text !== 'Later stages')).toEqual([]);
    expect(await helen.settings().count()).toBe(0);
    expect(await card.getAttribute('draggable')).toBeNull();
    expect(await checkView(helen.page, 'pathway-viewer.png')).toEqual([]);

    // Someone in the team moves the person: the viewer sees it.
    const grace = new PathwayPage((await actor(demo.grace, PathwayPage.path(board.id))).page);
    await grace.view().waitFor();
    await grace.board.waitUntilLive();
    await grace.moveByKeyboard(person, 'Review');
    await helen.cardIn('Review', person).waitFor();
    await expect.poll(textOf(helen.cardIn('Review', person))).toContain('Entered today');
    // Alt with an arrow does nothing for a viewer.
    await helen.cardIn('Review', person).getByRole('link').focus();
    await helen.page.keyboard.press('Alt+ArrowRight');
    await expect.poll(() => helen.page.url()).toContain('/pathway');
    await expect.poll(() => grace.cardIn('Review', person).count()).toBe(1);
  });

  it('shows 300 people across the stages, each stage counting its own', async () => {
    const board = await scenario.server.createBoard(unique('E2E busy pathway'));
    const stages = [undefined, ...FRAILTY_STAGES];
    const risks = ['red', 'amber', 'green'] as const;
    const people = Array.from({ length: 300 }, (_, i) => ({
      name: `Person ${String(i + 1).padStart(3, '0')}`,
      stage: stages[i % stages.length],
      days: i % 30,
      risk: risks[i % 3]!,
      riskReason: 'Seeded',
      frailtyScore: (i % 9) + 1,
    }));
    await seed(board.id, people);
    const grace = new PathwayPage((await actor(demo.grace, BoardPage.path(board.id))).page);
    await grace.board.waitUntilLive();
    await expect.poll(() => grace.page.getByTestId('handover-person').count(), { timeout: 30_000 }).toBe(300);

    // The columns draw their first cards at once and the rest a few each painted frame. With the
    // page's frames held back, each stage shows its first cards and counts all its people.
    await grace.page.evaluate(() => {
      const page = globalThis as unknown as HeldFrames;
      const paint = page.requestAnimationFrame.bind(page);
      const held: ((time: number) => void)[] = [];
      page.requestAnimationFrame = (callback) => (held.push(callback), 0);
      page.releaseFrames = () => {
        page.requestAnimationFrame = paint;
        for (const callback of held.splice(0)) paint(callback);
      };
    });
    await grace.openFromNav();
    for (const stage of FRAILTY_STAGES) {
      await expect
        .poll(() => grace.column(stage).getByTestId('pathway-card').count())
        .toBe(COLUMN_FIRST_CARDS);
      await expect.poll(textOf(grace.count(stage))).toMatch(/^(42|43) people$/);
    }
    // Someone moved by keyboard to a stage where they sort below its first cards is drawn there at once,
    // focus on their card, as a person moving them expects.
    const order = (name: string) => {
      const person = people.find((p) => p.name === name)!;
      return `${risks.indexOf(person.risk)} ${person.name}`;
    };
    const [from, to] = [FRAILTY_STAGES[0]!, FRAILTY_STAGES[1]!];
    const inTo = people.filter((p) => p.stage === to).map((p) => order(p.name));
    const drawnInFrom = await grace.namesIn(from);
    const mover = drawnInFrom.find(
      (name) => inTo.filter((o) => o < order(name)).length >= COLUMN_FIRST_CARDS,
    );
    expect(
      mover,
      `someone drawn in the first stage who sorts below ${COLUMN_FIRST_CARDS} others in the second`,
    ).toBeDefined();
    await grace.moveByKeyboard(mover!, to);
    await grace.cardIn(to, mover!).waitFor();
    await expect
      .poll(() => grace.stageControl(mover!).evaluate((el) => el === el.ownerDocument.activeElement))
      .toBe(true);
    expect(await grace.column(to).getByTestId('pathway-card').count()).toBeLessThan(inTo.length);

    // How fast this renders is measured by `npm run bench:board`, not here.
    await grace.page.evaluate(() => (globalThis as unknown as HeldFrames).releaseFrames());
    // A few frames of cards, each hundreds of elements: a busy machine takes seconds.
    await expect.poll(() => grace.page.getByTestId('pathway-card').count(), { timeout: 15_000 }).toBe(300);
    for (const stage of FRAILTY_STAGES) {
      const moved = stage === to ? 1 : stage === from ? -1 : 0;
      const count = people.filter((p) => p.stage === stage).length + moved;
      await expect.poll(textOf(grace.count(stage))).toBe(`${count} people`);
    }
  });
});
