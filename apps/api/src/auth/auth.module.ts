import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AUTHZ_SUBJECTS } from '@berth/authz';
import { PrismaModule } from '@berth/prisma';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { AuthzSubjectsRepository } from './authz-subjects.repository';
import { BerthStrategy } from './berth.strategy';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { JwtVerifier } from './jwt.verifier';
import { MembershipCache } from './membership-cache';

/** Authentication (the passport strategy), the membership cache, and what the policies guard loads. */
@Module({
  imports: [PrismaModule, PassportModule],
  providers: [
    BerthStrategy,
    IdentityService,
    IdentityRepository,
    JwtVerifier,
    BootstrapAdminService,
    ApiKeysRepository,
    MembershipCache,
    // What the global PoliciesGuard loads to check each route's action on the tenant or request it names.
    { provide: AUTHZ_SUBJECTS, useClass: AuthzSubjectsRepository },
  ],
  exports: [BerthStrategy, BootstrapAdminService, MembershipCache, AUTHZ_SUBJECTS],
})
export class AuthModule {}
