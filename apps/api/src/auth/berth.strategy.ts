import { Injectable, UnauthorizedException } from '@nestjs/common';
import { BadInputError } from '@berth/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@berth/authz';
import { looksLikeApiKey } from './api-key.codec';
import { AuthenticationFailed, IdentityService } from './identity.service';

interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>;
  url?: string;
}

/** The one route that takes Basic credentials: Flux Operator's ExternalService provider sends them from a Secret. */
const BASIC_AUTH_PATH = '/v1/flux/inputs';

/**
 * The API key inside `Authorization: Basic base64(username:password)`: the password (RFC 7617: the user-id ends at
 * the first colon). Flux Operator sends a Secret's `username`/`password` this way when it has no `token` key
 * (flux-operator callExternalServiceProvider: req.SetBasicAuth); the username is not checked.
 */
function basicPassword(credentials: string): string {
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!looksLikeApiKey(password)) throw new AuthenticationFailed('Basic credentials: the password must be a Berth API key (berth_…)');
  return password;
}

const header = (req: HeaderCarrier, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * One passport strategy for every credential Berth accepts: `X-API-Key: berth_…`,
 * `Authorization: Bearer berth_…` (API keys), `Authorization: Bearer <JWT>` (OIDC users) and, on GET
 * /v1/flux/inputs only, `Authorization: Basic` with an API key as the password (Flux Operator).
 */
@Injectable()
export class BerthStrategy extends PassportStrategy(Strategy, 'berth') {
  constructor(private readonly identity: IdentityService) {
    super();
  }

  async validate(req: HeaderCarrier): Promise<Principal> {
    const apiKey = header(req, 'x-api-key');
    const authorization = header(req, 'authorization');
    // Two credentials could name two different callers: refuse rather than guess which one counts.
    if (apiKey !== undefined && authorization !== undefined) {
      throw new BadInputError('Ambiguous credentials: send either Authorization or X-API-Key, not both', [
        { field: 'X-API-Key', code: 'ambiguous-credentials', message: 'Authorization is also present' },
      ]);
    }
    try {
      if (apiKey) return await this.identity.fromApiKey(apiKey.trim());
      const basic = authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
      if (basic !== undefined) {
        if ((req.url ?? '').split('?')[0] !== BASIC_AUTH_PATH) throw new AuthenticationFailed(`Basic credentials are accepted on ${BASIC_AUTH_PATH} only`);
        return await this.identity.fromApiKey(basicPassword(basic));
      }
      const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (!bearer) throw new AuthenticationFailed('Missing credentials: send Authorization: Bearer <token> or X-API-Key');
      return looksLikeApiKey(bearer) ? await this.identity.fromApiKey(bearer) : await this.identity.fromJwt(bearer);
    } catch (error) {
      if (error instanceof AuthenticationFailed) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}
