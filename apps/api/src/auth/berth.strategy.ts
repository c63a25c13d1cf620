import { Injectable, UnauthorizedException } from '@nestjs/common';
import { BadInputError } from '@berth/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-custom';
import type { Principal } from '@berth/authz';
import { looksLikeApiKey } from './api-key.codec';
import { AuthenticationFailed, IdentityService } from './identity.service';

interface HeaderCarrier {
  headers: Record<string, string | string[] | undefined>;
}

const header = (req: HeaderCarrier, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * One passport strategy for every credential Berth accepts: `X-API-Key: berth_…`,
 * `Authorization: Bearer berth_…` (API keys) and `Authorization: Bearer <JWT>` (OIDC users).
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
      const bearer = authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
      if (!bearer) throw new AuthenticationFailed('Missing credentials: send Authorization: Bearer <token> or X-API-Key');
      return looksLikeApiKey(bearer) ? await this.identity.fromApiKey(bearer) : await this.identity.fromJwt(bearer);
    } catch (error) {
      if (error instanceof AuthenticationFailed) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}
