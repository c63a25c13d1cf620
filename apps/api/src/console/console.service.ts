import { Inject, Injectable } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { ConsoleFile, findConsoleRoot, resolveConsoleFile } from './console-files';

/** What the console needs to know before anyone signs in; public (it holds no secret). */
export interface ConsoleConfig {
  /** Null: API-key sign-in only. A public client: no secret, Authorization Code + PKCE (S256). */
  oidc: { issuer: string; clientId: string; scope: string } | null;
}

export const CONSOLE_OIDC_SCOPE = 'openid profile email';

@Injectable()
export class ConsoleService {
  /** Looked up on each request until found (a console built after the server started is served without a restart), then kept. */
  private root?: string;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {}

  settings(): ConsoleConfig {
    const { oidcIssuer, consoleOidcClientId } = this.config.auth;
    return { oidc: oidcIssuer && consoleOidcClientId ? { issuer: oidcIssuer, clientId: consoleOidcClientId, scope: CONSOLE_OIDC_SCOPE } : null };
  }

  file(urlPath: string): ConsoleFile {
    this.root ??= findConsoleRoot();
    return resolveConsoleFile(this.root, urlPath);
  }
}
