import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/deps.ts';

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
}

/** Reads OIDC_* variables; null when single sign-on is not configured. (To be completed.) */
export function loadOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | null {
  void env;
  return null;
}

/** Registers `/api/auth/oidc/start` and `/api/auth/oidc/callback`. (To be completed.) */
export function registerOidcRoutes(app: FastifyInstance, deps: RouteDeps, config: OidcConfig): void {
  void app;
  void deps;
  void config;
}
