import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEMO, signIn } from '../support/auth.ts';
import { testDb } from '../support/boards.ts';
import { spawnServer } from '../support/server.ts';

/** Sends raw bytes to the server and resolves with everything it answered before closing the socket. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer (and the socket stayed open) to ${JSON.stringify(request.slice(0, 60))}`));
    }, 5_000);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
    socket.write(request, 'latin1');
  });
}

/** The first line the server answers, then the socket is dropped. */
function firstLine(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.split('\r\n')[0]!);
      }
    });
    socket.on('close', () => resolve(answer.split('\r\n')[0]!));
    socket.on('error', () => undefined);
    socket.write(request, 'latin1');
  });
}

const upgrade = (target: string, extra = '') =>
  `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
  `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

describe('malformed upgrade requests', () => {
  it('each get a 4xx and a closed socket, and the process carries on serving', async () => {
    const db = await testDb();
    const server = await spawnServer({
      DATABASE_URL: db.databaseUrl,
      DATA_DIR: db.dataDir ?? undefined,
    });
    const cookie = await signIn(server.url, DEMO.member);
    const targets = [
      '/yjs/%E0%A4%A',
      'http://a:99999/yjs/x',
      'http://[::1/yjs/x',
      '/yjs/riverside-frailty-mdt%',
      '/yjs/%00',
      `/yjs/${'x'.repeat(10_000)}`,
      '//yjs/riverside-frailty-mdt',
      '/yjs',
      '/%E0%A4%A',
      '*',
    ];
    for (const target of targets) {
      for (const extra of ['', `Cookie: ${cookie}\r\n`, 'Cookie: huddle_session=%E0%A4%A; =; ;;\r\n']) {
        const answer = await rawRequest(server.port, upgrade(target, extra));
        expect([target, extra, answer.split('\r\n')[0]]).toEqual([
          target,
          extra,
          expect.stringMatching(/^HTTP\/1\.1 4\d\d /),
        ]);
      }
    }
    // socket.io's own path is socket.io's to answer; whatever arrives there, the process carries on.
    for (const target of ['/socket.io/%E0%A4%A?EIO=4&transport=websocket', '/socket.io/?EIO=%E0%A4%A']) {
      const answer = await firstLine(server.port, upgrade(target));
      expect([target, answer]).toEqual([target, expect.stringMatching(/^HTTP\/1\.1 (101|4\d\d) /)]);
    }
    expect(server.child.exitCode).toBeNull();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    // A real board connection still works.
    const board = await fetch(`${server.url}/api/boards/riverside-frailty-mdt`, { headers: { cookie } });
    expect(board.status).toBe(200);
  });
});
