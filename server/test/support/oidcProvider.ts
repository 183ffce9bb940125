import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, onTestFinished } from 'vitest';
import Provider from 'oidc-provider';
import { OIDC_CALLBACK_PATH, OIDC_START_PATH, type OidcConfig } from '../../src/auth/oidc/config.ts';
import { SESSION_COOKIE } from '../../src/auth/cookies.ts';

/** What the provider says about one of its accounts. */
export interface AccountClaims {
  email: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestOidcProvider {
  issuer: string;
  /** The path of every request the provider has answered, in order (userinfo is `/me`). */
  requests: string[];
}

function listening(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** A port nothing listens on now, for a server whose own address must be known before it starts. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const port = await listening(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1, with one confidential client (the
 * id, secret and redirect URI of Huddle's `client` configuration), and accounts whose login name is
 * the key of `accounts` (any password). Its development login and consent pages are driven over
 * HTTP by `SignOnBrowser`. It stops when the test finishes.
 */
export async function startOidcProvider(options: {
  client: Pick<OidcConfig, 'clientId' | 'clientSecret' | 'redirectUri'>;
  accounts: Record<string, AccountClaims>;
  /** Listen here rather than on a port of its own choosing. */
  port?: number;
  /**
   * Put email and profile claims in the ID token too. By default, as the specification says for a
   * code flow, they are only given at the userinfo endpoint.
   */
  claimsInIdToken?: boolean;
}): Promise<TestOidcProvider> {
  const server = createServer();
  const port = await listening(server, options.port);
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.client.clientId,
        client_secret: options.client.clientSecret,
        redirect_uris: [options.client.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount(_ctx, sub) {
      const account = options.accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: () => ({ sub, ...account }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [{ ...signingKey, alg: 'RS256', use: 'sig' }] },
    pkce: { required: () => true },
    conformIdTokenClaims: !options.claimsInIdToken,
  });
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider server error', error));
  const requests: string[] = [];
  const handle = provider.callback();
  server.on('request', (request, response) => {
    requests.push(new URL(request.url ?? '/', issuer).pathname);
    handle(request, response);
  });

  return { issuer, requests };
}

/** Where a single sign-on ended: the page Huddle sent the browser to, and its session cookie if any. */
export interface SignOnResult {
  /** Path and query on Huddle, like `/boards/x` or `/sign-in?error=...`. */
  landedOn: string;
  /** The `Cookie` header value that carries Huddle's session, when one was set. */
  sessionCookie: string | null;
}

const decodeHtml = (value: string) =>
  value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The first form on a page: where it posts and its hidden fields. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`expected a form on the provider's page:\n${html.slice(0, 2000)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const tag = input[0];
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1];
    if (name && /\btype="hidden"/.test(tag)) fields[decodeHtml(name)] = decodeHtml(value ?? '');
  }
  return { action: decodeHtml(form[1]!), fields };
}

/**
 * Plays a browser through a sign-on: a cookie jar per origin, redirects followed one at a time,
 * the provider's login and consent forms filled in and posted.
 */
export class SignOnBrowser {
  readonly #cookies = new Map<string, Map<string, string>>();
  /** Every URL requested, in order. */
  readonly history: string[] = [];

  constructor(private readonly huddleUrl: string) {}

  cookie(url: string, name: string): string | undefined {
    return this.#jar(url).get(name);
  }

  #jar(url: string): Map<string, string> {
    const origin = new URL(url).origin;
    let jar = this.#cookies.get(origin);
    if (!jar) this.#cookies.set(origin, (jar = new Map()));
    return jar;
  }

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const jar = this.#jar(url);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    this.history.push(url);
    const response = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = setCookie.split(';').map((part) => part.trim());
      const [name, value = ''] = pair.split(/=(.*)/s, 2) as [string, string?];
      const expired = attributes.some((attribute) => {
        const [key = '', raw = ''] = attribute.split('=', 2);
        if (key.toLowerCase() === 'max-age') return Number(raw) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(raw) <= Date.now();
        return false;
      });
      if (expired) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /**
   * Starts single sign-on at Huddle and follows it through the provider, signing in there as
   * `login`, until Huddle sends the browser to one of its pages. `beforeCallback` runs just before
   * the provider's redirect back to Huddle is followed.
   */
  async signOn(
    login: string,
    options: { startPath?: string; beforeCallback?: () => Promise<void> } = {},
  ): Promise<SignOnResult> {
    const huddle = new URL(this.huddleUrl).origin;
    const startPath = options.startPath ?? OIDC_START_PATH;
    let response = await this.request(`${huddle}${startPath}`);
    let url = `${huddle}${startPath}`;
    for (let step = 0; step < 20; step++) {
      if (response.status >= 300 && response.status < 400) {
        const location = new URL(response.headers.get('location') ?? '', url);
        if (location.origin === huddle && !location.pathname.startsWith('/api/')) {
          const sessionCookie = this.cookie(huddle, SESSION_COOKIE);
          return {
            landedOn: `${location.pathname}${location.search}`,
            sessionCookie: sessionCookie ? `${SESSION_COOKIE}=${sessionCookie}` : null,
          };
        }
        if (location.origin === huddle && location.pathname === OIDC_CALLBACK_PATH) {
          await options.beforeCallback?.();
        }
        url = location.href;
        response = await this.request(url);
        continue;
      }
      const html = await response.text();
      expect(response.status, `${url} answered ${response.status}: ${html.slice(0, 1000)}`).toBe(200);
      const form = formOf(html);
      const fields =
        form.fields.prompt === 'login' ? { ...form.fields, login, password: 'any password' } : form.fields;
      url = new URL(form.action, url).href;
      response = await this.request(url, { method: 'POST', form: fields });
    }
    throw new Error('single sign-on did not come back to Huddle within 20 steps');
  }
}
