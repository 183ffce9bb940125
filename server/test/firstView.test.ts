import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRST_VIEW_ELEMENT_ID } from '#shared/firstView';
import { DEMO_BOARD_ID } from '../src/seed.ts';
import { FIRST_VIEW_WAIT_MS, OPEN_BOARD_WAIT_MS } from '../src/http/firstView.ts';
import { DEMO, signIn } from './support/auth.ts';
import { newBoard, testDb } from './support/boards.ts';
import { startTestServer } from './support/server.ts';

const PAGE =
  '<!doctype html><html><head><title>Huddle</title></head><body><div id="app"></div><script>/* app */</script></body></html>';

/**
 * A client build whose first-view renderer (shared/firstView.ts) says what it was given, so the test
 * sees what the server asked and answered on whose behalf. A board whose name says so makes the
 * drawing fail, take a second, or take longer than the wait for a board the server has yet to load
 * and less than the wait for one it has open.
 */
function clientWithRenderer(): { clientDir: string; firstViewDir: string } {
  const buildDir = mkdtempSync(path.join(tmpdir(), 'huddle-first-view-'));
  const clientDir = path.join(buildDir, 'client');
  mkdirSync(clientDir);
  writeFileSync(path.join(clientDir, 'index.html'), PAGE);
  mkdirSync(path.join(buildDir, 'first-view'));
  writeFileSync(path.join(buildDir, 'first-view', 'package.json'), '{ "type": "module" }');
  writeFileSync(
    path.join(buildDir, 'first-view', 'firstView.js'),
    `export default async function drawFirstView({ url, answers, snapshotJson }) {
      const name = answers.summary.name;
      if (name.includes('broken')) throw new Error('the drawing failed');
      if (name.includes('slow')) await new Promise((resolve) => setTimeout(resolve, 1000));
      if (name.includes('unhurried'))
        await new Promise((resolve) => setTimeout(resolve, ${(FIRST_VIEW_WAIT_MS + OPEN_BOARD_WAIT_MS) / 2}));
      if (name.includes('stuck')) await new Promise(() => {});
      if (url.includes('version=')) return null;
      const snapshot = JSON.parse(snapshotJson);
      const people = snapshot.people.filter((read) => read.ok).map((read) => read.value.name);
      return {
        html: '<p data-kept-testid="drawn">' + url + ' for ' + answers.session.name + ' (' + answers.summary.access +
          '): ' + people.join(', ') + '; ' + answers.members.length + ' members; $& and $1 as they are</p>',
        title: 'Handover: ' + name + ' - Huddle',
      };
    }`,
  );
  return { clientDir, firstViewDir: path.join(buildDir, 'first-view') };
}

async function page(url: string, cookie?: string, init: RequestInit = {}) {
  const response = await fetch(url, { ...init, headers: cookie ? { cookie } : {} });
  return { response, text: await response.text() };
}

const drawn = (text: string): string | null =>
  new RegExp(`<template id="${FIRST_VIEW_ELEMENT_ID}">(.*)</template>`).exec(text)?.[1] ?? null;

describe('board pages with their first view drawn by the server', () => {
  it('draws the board for someone who may open it, and sends everyone else the page as it is', async () => {
    const server = await startTestServer({ db: await testDb(), ...clientWithRenderer() });
    const member = await signIn(server.url, DEMO.member);

    // The first page loads the board, and on a busy machine may go before the drawing (the shorter
    // wait, for a board the server has yet to load); once the board is open, its pages are drawn.
    let board = await page(`${server.url}/boards/${DEMO_BOARD_ID}`, member);
    expect(board.response.status).toBe(200);
    await expect
      .poll(async () => drawn((board = await page(`${server.url}/boards/${DEMO_BOARD_ID}`, member)).text), {
        timeout: 10_000,
      })
      .not.toBeNull();
    const view = drawn(board.text);
    expect(view).toContain(`/boards/${DEMO_BOARD_ID} for Grace Okafor (edit): `);
    expect(view).toContain('Margaret Ellis');
    // What the board holds goes into the page as it is, never read as a replacement pattern.
    expect(view).toContain('$& and $1 as they are');
    expect(board.text).toContain('<title>Handover: Riverside frailty MDT - Huddle</title>');
    // Before the app's root, where the page's own script finds it.
    expect(board.text.indexOf(FIRST_VIEW_ELEMENT_ID)).toBeLessThan(board.text.indexOf('<div id="app">'));
    // The page's head is told, so that it asks for the app's scripts once the drawing is on screen.
    expect(board.text).toContain('<html data-first-view>');
    // Someone's board: no cache on the way keeps it, and it comes compressed.
    expect(board.response.headers.get('cache-control')).toBe('no-store');
    expect(board.response.headers.get('vary')).toMatch(/Cookie/);
    expect(board.response.headers.get('content-encoding')).toBe('gzip');
    // A viewer's drawing is a viewer's; a person's page and the other views are drawn too.
    const viewer = await signIn(server.url, DEMO.viewer);
    expect(drawn((await page(`${server.url}/boards/${DEMO_BOARD_ID}/actions`, viewer)).text)).toContain(
      `/boards/${DEMO_BOARD_ID}/actions for Helen Ward (view)`,
    );
    expect(
      drawn((await page(`${server.url}/boards/${DEMO_BOARD_ID}/people/p-1?x=1`, member)).text),
    ).toContain(`/boards/${DEMO_BOARD_ID}/people/p-1?x=1 for Grace Okafor`);

    // Not signed in, signed in without access, a session that is not one: the page as it is, with
    // nothing of the board in it.
    const otherTeam = await signIn(server.url, DEMO.otherTeam);
    for (const cookie of [undefined, otherTeam, 'huddle_session=not-a-session']) {
      const plain = await page(`${server.url}/boards/${DEMO_BOARD_ID}`, cookie);
      expect(plain.response.status).toBe(200);
      expect(plain.text).toBe(PAGE);
      expect(plain.response.headers.get('cache-control')).toBe('no-cache');
    }
    // Other pages, a board's other pages, boards that are not there and addresses that cannot be
    // boards: the page as it is.
    for (const route of [
      '/my-work',
      `/boards/${DEMO_BOARD_ID}/history`,
      `/boards/${DEMO_BOARD_ID}/meeting`,
      '/boards/no-such-board',
      '/boards/%3Cscript%3E',
      `/boards/${'a'.repeat(65)}`,
      `/boards/${DEMO_BOARD_ID}?version=12`,
    ]) {
      const plain = await page(`${server.url}${route}`, member);
      expect(plain.response.status, route).toBe(200);
      expect(plain.text, route).toBe(PAGE);
    }
    // A page reloaded in a loop: at most 30 drawings a minute for one person, then the page as it
    // is; someone else's pages are drawn all the same.
    const loads: string[] = [];
    for (let i = 0; i < 30; i++)
      loads.push((await page(`${server.url}/boards/${DEMO_BOARD_ID}`, member)).text);
    expect(loads.filter((text) => drawn(text) !== null).length).toBeLessThan(30);
    expect((await page(`${server.url}/boards/${DEMO_BOARD_ID}`, member)).text).toBe(PAGE);
    expect(drawn((await page(`${server.url}/boards/${DEMO_BOARD_ID}`, viewer)).text)).toContain('Helen Ward');

    const head = await fetch(`${server.url}/boards/${DEMO_BOARD_ID}`, {
      method: 'HEAD',
      headers: { cookie: member },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-cache');
  });

  it('waits longer for the drawing of a board open on this server than of one it has yet to load', async () => {
    const server = await startTestServer({ db: await testDb(), ...clientWithRenderer() });
    const member = await signIn(server.url, DEMO.member);
    // Made and not opened: nobody has connected to it.
    const unhurried = await newBoard(server.url, 'An unhurried drawing', undefined, { person: false });

    // Not open here yet: the page goes as it is once the shorter wait is over; the board loads meanwhile.
    expect((await page(`${server.url}/boards/${unhurried}`, member)).text).toBe(PAGE);
    // Open now: the same drawing is waited for (once the first, still going on, has ended).
    await expect
      .poll(async () => drawn((await page(`${server.url}/boards/${unhurried}`, member)).text), {
        timeout: 10_000,
      })
      .toContain(`/boards/${unhurried} for Grace Okafor`);
  });

  it('sends the page as it is when the drawing fails or is slow, and goes on serving', async () => {
    const server = await startTestServer({ db: await testDb(), ...clientWithRenderer() });
    const member = await signIn(server.url, DEMO.member);
    const broken = await newBoard(server.url, 'A broken drawing');
    const slow = await newBoard(server.url, 'A slow drawing');
    const marked = await newBoard(server.url, 'Ward <b>"&"</b> $1');
    const stuck = await newBoard(server.url, 'A stuck drawing');

    const failed = await page(`${server.url}/boards/${broken}`, member);
    expect(failed.response.status).toBe(200);
    expect(failed.text).toBe(PAGE);
    const started = performance.now();
    const late = await page(`${server.url}/boards/${slow}`, member);
    expect(late.text).toBe(PAGE);
    // Sent once the wait is over, not when the drawing ends.
    expect(performance.now() - started).toBeLessThan(900);
    // Drawings are made one at a time, on their own thread: once the slow one has ended, boards are
    // drawn again, and a board's name is written into the title as text.
    await expect
      .poll(async () => (await page(`${server.url}/boards/${marked}`, member)).text, { timeout: 10_000 })
      .toContain('<title>Handover: Ward &lt;b&gt;&quot;&amp;&quot;&lt;/b&gt; $1 - Huddle</title>');
    await expect
      .poll(async () => drawn((await page(`${server.url}/boards/${DEMO_BOARD_ID}`, member)).text), {
        timeout: 10_000,
      })
      .toContain('Grace Okafor');

    // A drawing that never ends has its thread ended in time, and boards are drawn again after it.
    expect((await page(`${server.url}/boards/${stuck}`, member)).text).toBe(PAGE);
    await expect
      .poll(async () => drawn((await page(`${server.url}/boards/${DEMO_BOARD_ID}`, member)).text), {
        timeout: 10_000,
      })
      .toContain('Grace Okafor');
  });
});
