/**
 * Meeting benchmark: the daily handover as a meeting on Huddle's server (a real server process).
 * - Following the chair: 30 followers (y-websocket clients signed in as the team's members) on a
 *   board with a running meeting; the chair asks the server to step to the next person, over and
 *   over, and each follower's time from the chair's request to seeing the new person is measured.
 *   Target: p95 under 100 ms.
 * - The summary: a 30-person meeting (each with an outcome and two agreed actions) finished, and
 *   its summary page loaded afresh in headless Chromium until all 30 people are on it. Target:
 *   under 1 s.
 * Prints a table and writes `bench/results/meeting.json` (`meeting-pglite.json` without
 * DATABASE_URL).
 *
 *   npm run bench:meeting -- --followers 30 --steps 60 --rounds 5
 *
 * Everything runs on loopback and stops by itself (--timeout, s, 600): on an error, a signal or
 * the timeout it stops the server, closes Chromium and drops the database.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as Y from 'yjs';
import { BoardDocument } from '#shared/board/boardDoc';
import { MeetingDocument } from '#shared/board/meetings/meetingDoc';
import { addDays, todayIsoDate } from '#shared/board/record';
import type { Meeting } from '#shared/board/meetings/meeting';
import type { MeetingSummary } from '#shared/meetings';
import { launchChromium } from '../e2e/support/browser.ts';
import { buildClient } from '../e2e/support/buildClient.ts';
import { DEMO } from '../server/test/support/auth.ts';
import { signedInActor } from './support/boardBrowser.ts';
import { runBounded } from './support/cleanup.ts';
import { connectClient, waitUntil, whenSynced } from './support/clients.ts';
import { BENCH_MEMBERS } from './support/members.ts';
import { createBenchDatabase, createHuddleBoards, repoRoot, signIn, spawnHuddle } from './support/servers.ts';
import { formatTable } from './support/table.ts';

const { values } = parseArgs({
  options: {
    followers: { type: 'string', default: '30' },
    steps: { type: 'string', default: '60' },
    people: { type: 'string', default: '30' },
    rounds: { type: 'string', default: '5' },
    timeout: { type: 'string', default: '600' },
    out: { type: 'string' },
  },
});
const FOLLOWERS = Number(values.followers);
const STEPS = Number(values.steps);
const PEOPLE = Number(values.people);
const ROUNDS = Number(values.rounds);
const say = (text = ''): void => void process.stdout.write(`${text}\n`);
const ms = (value: number): string => value.toFixed(1);

function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function run(): Promise<void> {
  await runBounded(async (cleanup) => {
    const database = await createBenchDatabase();
    cleanup.add('bench database', () => database.drop());
    const clientDir = mkdtempSync(path.join(os.tmpdir(), 'huddle-bench-client-'));
    cleanup.add('client build', async () => rmSync(clientDir, { recursive: true, force: true }));
    say('Building the client…');
    await buildClient({ outDir: clientDir });
    const server = await spawnHuddle(database, { CLIENT_DIR: clientDir });
    cleanup.add('server', () => server.stop());
    const origin = `http://127.0.0.1:${server.port}`;
    const wsUrl = `ws://127.0.0.1:${server.port}/yjs`;
    const chairCookie = await signIn(server.port, DEMO.facilitator);
    const post = async <T>(url: string, body: unknown = {}): Promise<T> => {
      const response = await fetch(`${origin}${url}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: chairCookie, Origin: origin },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as T;
    };

    // A board with the meeting's people, written by a member's client.
    const { rooms } = await createHuddleBoards(server.port, 1);
    const boardId = rooms[0]!;
    const memberCookies = await Promise.all(BENCH_MEMBERS.map((m) => signIn(server.port, m.email)));
    const writer = connectClient({ wsUrl, cookie: memberCookies[1]! }, boardId);
    cleanup.add('writer', async () => writer.provider.destroy());
    await whenSynced(writer.provider, 10_000);
    const author = BENCH_MEMBERS[1]!;
    const board = new BoardDocument(writer.doc);
    const personIds: string[] = [];
    for (let i = 0; i < PEOPLE; i++) {
      const person = board.addPerson(
        { name: `Person ${String(i + 1).padStart(2, '0')} Example`, risk: 'amber', riskReason: 'Bench' },
        { by: author.actor },
      );
      personIds.push(person.id);
    }
    const meeting = await post<Meeting>(`/api/boards/${boardId}/meetings`, { series: 'Daily handover' });
    await post(`/api/boards/${boardId}/meetings/${meeting.id}/start`);
    const onWriter = new MeetingDocument(writer.doc);
    if (
      !(await waitUntil(
        () =>
          onWriter.items(meeting.id).length === PEOPLE && onWriter.meeting(meeting.id).status === 'running',
        10_000,
      ))
    )
      throw new Error('the meeting did not start on the member’s client');
    const items = onWriter.items(meeting.id);

    // Following the chair.
    say(`Connecting ${FOLLOWERS} followers…`);
    const followers = Array.from({ length: FOLLOWERS }, (_, i) => {
      const client = connectClient({ wsUrl, cookie: memberCookies[i % memberCookies.length]! }, boardId);
      cleanup.add(`follower ${i}`, async () => client.provider.destroy());
      return client;
    });
    await Promise.all(followers.map((f) => whenSynced(f.provider, 20_000)));
    const currentOf = (doc: Y.Doc) =>
      (doc.getMap('meetings').get(meeting.id) as Y.Map<unknown> | undefined)?.get('currentItemId');
    const latencies: number[] = [];
    const slowestPerStep: number[] = [];
    for (let step = 0; step < STEPS; step++) {
      const target = items[(step + 1) % items.length]!.id;
      const seen = new Array<number>(FOLLOWERS).fill(Number.NaN);
      const started = performance.now();
      const arrived = followers.map(
        (f, i) =>
          new Promise<void>((resolve) => {
            const check = () => {
              if (currentOf(f.doc) !== target) return;
              seen[i] = performance.now() - started;
              f.doc.off('update', check);
              resolve();
            };
            f.doc.on('update', check);
            check();
          }),
      );
      await post(`/api/boards/${boardId}/meetings/${meeting.id}/step`, { itemId: target });
      await Promise.race([
        Promise.all(arrived),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error(`step ${step} did not reach every follower in 10 s`)), 10_000),
        ),
      ]);
      latencies.push(...seen);
      slowestPerStep.push(Math.max(...seen));
    }
    for (const f of followers) f.provider.destroy();

    // A 30-person meeting's outcomes and agreed actions, then its summary.
    const today = todayIsoDate();
    for (const [index, item] of items.entries()) {
      onWriter.recordOutcome(
        item.id,
        {
          outcomeCode: 'action_agreed',
          outcomeText: `Agreed plan ${index + 1}: review at home and call the family`,
        },
        { by: author.actor },
      );
      for (let a = 0; a < 2; a++) {
        const action = board.addAction(
          {
            title: `Follow-up ${a + 1} for person ${index + 1}`,
            ownerId: author.id,
            ownerName: author.name,
            ownerOrganisationId: author.organisationId,
            dueDate: addDays(today, 3 + a),
            personId: item.personId,
          },
          { by: author.actor },
        );
        onWriter.linkAction(item.id, action.id, 'agreed');
      }
    }
    // The server has the writer's outcomes and actions (a second client sees them) before the chair finishes.
    const check = connectClient({ wsUrl, cookie: memberCookies[0]! }, boardId);
    cleanup.add('check', async () => check.provider.destroy());
    await whenSynced(check.provider, 10_000);
    const onCheck = new MeetingDocument(check.doc);
    if (!(await waitUntil(() => onCheck.items(meeting.id).every((i) => i.actionIds.length === 2), 20_000)))
      throw new Error('the outcomes and actions did not reach the server');
    check.provider.destroy();
    const summary = await post<MeetingSummary>(`/api/boards/${boardId}/meetings/${meeting.id}/finish`, {
      carryReason: 'Not reached',
    });
    const outcomes = summary.people.filter((p) => p.outcomeCode !== null).length;
    if (outcomes !== PEOPLE) throw new Error(`the summary has ${outcomes} outcomes of ${PEOPLE}`);

    say('Loading the summary page in Chromium…');
    const browser = await launchChromium();
    cleanup.add('chromium', () => browser.close());
    const renders: number[] = [];
    const loads: number[] = [];
    const summaryLink = `a[href="/boards/${boardId}/meetings/${meeting.id}"]`;
    const allPeople = `document.querySelectorAll('[data-testid="summary-person"]').length === ${PEOPLE}`;
    for (let round = 0; round < ROUNDS; round++) {
      const actor = await signedInActor(browser, origin, chairCookie, 'Chair');
      // Loaded afresh: the app itself, the board, then the summary.
      let started = performance.now();
      await actor.page.goto(`/boards/${boardId}/meetings/${meeting.id}`);
      await actor.page.waitForFunction(allPeople, undefined, { timeout: 20_000 });
      loads.push(performance.now() - started);
      // As people reach it: from the board's meeting view, where the earlier meetings are listed.
      await actor.page.goto(`/boards/${boardId}/meeting`);
      await actor.page.locator(summaryLink).first().waitFor();
      started = performance.now();
      await actor.page.locator(summaryLink).first().click();
      await actor.page.waitForFunction(allPeople, undefined, { timeout: 20_000 });
      renders.push(performance.now() - started);
      await actor.close();
    }

    const rows = [
      {
        what: `Next person reaches each of ${FOLLOWERS} followers (${STEPS} steps)`,
        p50: percentile(latencies, 50),
        p95: percentile(latencies, 95),
        max: Math.max(...latencies),
        target: 100,
      },
      {
        what: 'Next person reaches the last follower',
        p50: percentile(slowestPerStep, 50),
        p95: percentile(slowestPerStep, 95),
        max: Math.max(...slowestPerStep),
        target: null,
      },
      {
        what: `${PEOPLE}-person summary, opened from the meeting view (${ROUNDS} rounds)`,
        p50: percentile(renders, 50),
        p95: percentile(renders, 95),
        max: Math.max(...renders),
        target: 1000,
      },
      {
        what: `${PEOPLE}-person summary, the app loaded afresh with it`,
        p50: percentile(loads, 50),
        p95: percentile(loads, 95),
        max: Math.max(...loads),
        target: null,
      },
    ];
    say();
    say(
      formatTable(
        ['', 'p50 ms', 'p95 ms', 'max ms', 'target'],
        rows.map((r) => [
          r.what,
          ms(r.p50),
          ms(r.p95),
          ms(r.max),
          r.target === null ? '' : `p95 < ${r.target} ms ${r.p95 < r.target ? 'met' : 'NOT MET'}`,
        ]),
        ['left', 'right', 'right', 'right', 'left'],
      ),
    );
    const out =
      values.out ??
      path.join(
        repoRoot,
        'bench/results',
        database.kind === 'pglite' ? 'meeting-pglite.json' : 'meeting.json',
      );
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          when: new Date().toISOString(),
          machine: { cpus: os.cpus().length, node: process.version },
          database: database.kind,
          followers: FOLLOWERS,
          steps: STEPS,
          people: PEOPLE,
          rounds: ROUNDS,
          results: rows,
        },
        null,
        2,
      )}\n`,
    );
    say(`\nWrote ${path.relative(repoRoot, out)}`);
  }, Number(values.timeout));
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
