import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { addressBlock } from '../../src/auth/throttle.ts';
import {
  createClientAddress,
  parseTrustProxy,
  trustFunction,
  type TrustProxy,
} from '../../src/http/clientAddress.ts';

/** A request as it reaches Huddle: from `peer` (the nearest hop), with this X-Forwarded-For. */
const from = (peer: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('TRUST_PROXY', () => {
  it('takes false, a number of proxies or their addresses; true means one proxy', () => {
    expect(parseTrustProxy(undefined)).toEqual({ hops: 0 });
    expect(parseTrustProxy('')).toEqual({ hops: 0 });
    expect(parseTrustProxy('false')).toEqual({ hops: 0 });
    expect(parseTrustProxy('true')).toEqual({ hops: 1 });
    expect(parseTrustProxy('2')).toEqual({ hops: 2 });
    expect(parseTrustProxy('10.0.0.0/8, 127.0.0.1 ,fd00::/8,loopback')).toEqual({
      addresses: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', 'loopback'],
    });
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ hops: 1 });
  });

  it('refuses a value it cannot read, saying what it takes', () => {
    for (const bad of [
      'yes',
      '-1',
      '1.5',
      '10.0.0.300',
      '10.0.0.0/33',
      'true,10.0.0.1',
      'proxy.example',
      '99',
    ]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(
        /^TRUST_PROXY must be false, a number of proxies in front of Huddle \(like 1\), or the addresses of those proxies/,
      );
    }
  });
});

describe('createClientAddress', () => {
  const cases: { trust: TrustProxy; peer: string; forwardedFor?: string; client: string }[] = [
    // Trusting nobody: X-Forwarded-For is the client's own say, and ignored.
    { trust: { hops: 0 }, peer: '203.0.113.5', forwardedFor: '10.0.0.1', client: '203.0.113.5' },
    // One proxy: the address it added, whatever the client put before it.
    {
      trust: { hops: 1 },
      peer: '10.0.0.2',
      forwardedFor: '198.51.100.20, 203.0.113.5',
      client: '203.0.113.5',
    },
    { trust: { hops: 1 }, peer: '10.0.0.2', forwardedFor: '203.0.113.5', client: '203.0.113.5' },
    { trust: { hops: 1 }, peer: '10.0.0.2', client: '10.0.0.2' },
    // Two proxies: the second from the right.
    {
      trust: { hops: 2 },
      peer: '10.0.0.2',
      forwardedFor: '1.1.1.1, 203.0.113.5, 10.0.0.3',
      client: '203.0.113.5',
    },
    // The proxy's addresses: hops through them are skipped, the first other address is the client.
    {
      trust: { addresses: ['10.0.0.0/8'] },
      peer: '10.0.0.2',
      forwardedFor: '1.1.1.1, 203.0.113.5, 10.0.0.3',
      client: '203.0.113.5',
    },
    // Someone reaching the server round the proxy is not believed about anyone else.
    {
      trust: { addresses: ['10.0.0.0/8'] },
      peer: '203.0.113.9',
      forwardedFor: '10.0.0.7',
      client: '203.0.113.9',
    },
    // Junk where an address should be gives the last real address before it.
    { trust: { hops: 1 }, peer: '10.0.0.2', forwardedFor: 'unknown', client: '10.0.0.2' },
    { trust: { hops: 2 }, peer: '10.0.0.2', forwardedFor: 'junk, 10.0.0.3', client: '10.0.0.3' },
    // An IPv4 client of a dual-stack socket is the same client as over IPv4.
    { trust: { hops: 0 }, peer: '::ffff:203.0.113.5', client: '203.0.113.5' },
    { trust: { hops: 1 }, peer: '::1', forwardedFor: '2001:db8::5', client: '2001:db8::5' },
  ];

  it('gives the client by the trust setting, as fastify does for REST', async () => {
    for (const { trust, peer, forwardedFor, client } of cases) {
      const what = `${JSON.stringify(trust)} from ${peer} with ${forwardedFor}`;
      expect(createClientAddress(trust)(from(peer, forwardedFor)), what).toBe(client);
      // fastify's own request.ip, given the same trust (it differs only where ours tidies up).
      const app = Fastify({ trustProxy: trustFunction(trust) });
      app.get('/', async (request) => request.ip);
      const fastifyIp = (
        await app.inject({
          method: 'GET',
          url: '/',
          remoteAddress: peer,
          headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
        })
      ).body;
      await app.close();
      if (!/unknown|junk|::ffff:/.test(`${forwardedFor} ${peer}`)) expect(fastifyIp, what).toBe(client);
    }
  });

  it('reads a real request on a plain Node server, as a WebSocket upgrade or socket.io handshake would', async () => {
    const clientAddress = createClientAddress({ hops: 1 });
    const seen: string[] = [];
    const plain = createServer((request, response) => {
      seen.push(clientAddress(request));
      response.end();
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => plain.close(() => resolve())));
    const { port } = plain.address() as AddressInfo;
    const get = (forwardedFor?: string) =>
      new Promise<void>((resolve, reject) => {
        const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
        httpRequest({ host: '127.0.0.1', port, path: '/', headers }, (res) => res.resume().on('end', resolve))
          .on('error', reject)
          .end();
      });
    await get('198.51.100.20, 203.0.113.5');
    await get();
    expect(seen).toEqual(['203.0.113.5', '127.0.0.1']);
  });
});

describe('the address a sign-in is counted against', () => {
  it('is an IPv4 address as it is, and an IPv6 address by its /64', () => {
    expect(addressBlock('203.0.113.5')).toBe('203.0.113.5');
    expect(addressBlock('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressBlock('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });
});
