import { Global, Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { BerthStrategy } from './berth.strategy';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { IdentityRepository } from './identity.repository';
import { IdentityService } from './identity.service';
import { JwtVerifier } from './jwt.verifier';
import { MembershipCache } from './membership-cache';

@Global()
@Module({
  imports: [PassportModule],
  providers: [BerthStrategy, IdentityService, IdentityRepository, JwtVerifier, BootstrapAdminService, MembershipCache],
  exports: [BootstrapAdminService, MembershipCache],
})
export class AuthModule {}
