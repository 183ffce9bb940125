import { z } from 'zod';
import { httpOrigin, optionalText, readEnv, refuseValue, trueOrFalse } from '../../env.ts';

/** Single sign-on through an OpenID Connect provider, configured from the environment. */
export interface OidcConfig {
  /** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where the provider sends people back: `<public URL>/api/auth/oidc/callback`. */
  redirectUri: string;
  /** The button reads `Sign in with <label>`. */
  label: string;
  /** Create a Huddle account on first sign-in for an email address no account has; else refuse it. */
  provision: boolean;
}

export const OIDC_START_PATH = '/api/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/api/auth/oidc/callback';

const DEFAULT_LABEL = 'NHS single sign-on';
const REQUIRED = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
const OPTIONAL = ['OIDC_REDIRECT_URI', 'OIDC_LABEL', 'OIDC_PROVISION'] as const;

/** An http issuer is accepted only on this machine (development and tests); elsewhere it must be https. */
function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

function httpUrl(name: string, raw: string, options: { httpsUnlessLoopback: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an address like https://sso.example.nhs.uk, got "${raw}"`);
  }
  const https = url.protocol === 'https:';
  const http = url.protocol === 'http:';
  if (!https && !(http && (!options.httpsUnlessLoopback || isLoopback(url)))) {
    throw new Error(
      options.httpsUnlessLoopback
        ? `${name} must be an https address (http only for localhost), got "${raw}"`
        : `${name} must be an http or https address, got "${raw}"`,
    );
  }
  return url;
}

/** The OIDC_* variables (and PUBLIC_URL, for the default redirect), as read, before they are checked together. */
export const oidcVariables = {
  OIDC_ISSUER: optionalText,
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_REDIRECT_URI: optionalText,
  OIDC_LABEL: optionalText,
  OIDC_PROVISION: optionalText,
};
type OidcVariables = { [K in keyof typeof oidcVariables]: string | undefined } & {
  PUBLIC_URL: string | null;
};

/**
 * Single sign-on from the OIDC_* variables; null when none is set. Setting some of them but not all
 * that are needed is refused, naming the missing ones.
 */
export function oidcFrom(env: OidcVariables, ctx: z.RefinementCtx): OidcConfig | null {
  if ([...REQUIRED, ...OPTIONAL].every((name) => env[name] === undefined)) return null;
  const missing: string[] = REQUIRED.filter((name) => env[name] === undefined);
  if (!env.OIDC_REDIRECT_URI && !env.PUBLIC_URL) missing.push('OIDC_REDIRECT_URI (or PUBLIC_URL)');
  if (missing.length > 0) {
    return refuseValue(
      ctx,
      `Single sign-on is only partly configured: set ${missing.join(', ')} as well, or unset every OIDC_ variable`,
    );
  }
  const provision = trueOrFalse(true).safeParse(env.OIDC_PROVISION);
  if (!provision.success) return refuseValue(ctx, `OIDC_PROVISION ${provision.error.issues[0]!.message}`);
  try {
    const issuer = httpUrl('OIDC_ISSUER', env.OIDC_ISSUER!, { httpsUnlessLoopback: true });
    const redirectUri = env.OIDC_REDIRECT_URI
      ? httpUrl('OIDC_REDIRECT_URI', env.OIDC_REDIRECT_URI, { httpsUnlessLoopback: false })
      : new URL(OIDC_CALLBACK_PATH, env.PUBLIC_URL!);
    if (redirectUri.search || redirectUri.hash) {
      return refuseValue(
        ctx,
        `OIDC_REDIRECT_URI must not have a query or fragment, got "${redirectUri.href}"`,
      );
    }
    return {
      issuer: issuer.href,
      clientId: env.OIDC_CLIENT_ID!,
      clientSecret: env.OIDC_CLIENT_SECRET!,
      redirectUri: redirectUri.href,
      label: env.OIDC_LABEL ?? DEFAULT_LABEL,
      provision: provision.data,
    };
  } catch (error) {
    return refuseValue(ctx, error instanceof Error ? error.message : String(error));
  }
}

/** Single sign-on as the environment configures it (the server reads it with the rest of its settings). */
export function loadOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | null {
  return readEnv(z.object({ PUBLIC_URL: httpOrigin, ...oidcVariables }).transform(oidcFrom), env);
}
