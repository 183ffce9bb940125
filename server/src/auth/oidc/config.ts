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

function booleanFromEnv(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

/**
 * Reads OIDC_* variables; null when single sign-on is not configured. Setting some of them but not
 * all that are needed is a startup error that names the missing ones.
 */
export function loadOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | null {
  const value = (name: string) => env[name]?.trim() || undefined;
  if ([...REQUIRED, ...OPTIONAL].every((name) => value(name) === undefined)) return null;

  const publicUrl = value('PUBLIC_URL');
  const missing: string[] = REQUIRED.filter((name) => value(name) === undefined);
  if (!value('OIDC_REDIRECT_URI') && !publicUrl) missing.push('OIDC_REDIRECT_URI (or PUBLIC_URL)');
  if (missing.length > 0) {
    throw new Error(
      `Single sign-on is only partly configured: set ${missing.join(', ')} as well, or unset every OIDC_ variable`,
    );
  }

  const issuer = httpUrl('OIDC_ISSUER', value('OIDC_ISSUER')!, { httpsUnlessLoopback: true });
  const redirectUri = value('OIDC_REDIRECT_URI')
    ? httpUrl('OIDC_REDIRECT_URI', value('OIDC_REDIRECT_URI')!, { httpsUnlessLoopback: false })
    : new URL(OIDC_CALLBACK_PATH, httpUrl('PUBLIC_URL', publicUrl!, { httpsUnlessLoopback: false }));
  if (redirectUri.search || redirectUri.hash) {
    throw new Error(`OIDC_REDIRECT_URI must not have a query or fragment, got "${redirectUri.href}"`);
  }

  return {
    issuer: issuer.href,
    clientId: value('OIDC_CLIENT_ID')!,
    clientSecret: value('OIDC_CLIENT_SECRET')!,
    redirectUri: redirectUri.href,
    label: value('OIDC_LABEL') ?? DEFAULT_LABEL,
    provision: booleanFromEnv('OIDC_PROVISION', value('OIDC_PROVISION'), true),
  };
}
