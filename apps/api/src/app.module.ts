import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { PoliciesGuard } from '@berth/authz';
import { AllExceptionsFilter, createValidationPipe } from '@berth/common';
import { BerthConfig, BerthConfigModule } from '@berth/config';
import { FleetWriterModule } from '@berth/fleet';
import { WebhooksModule } from '@berth/webhooks';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { AuditEventsModule } from './audit-events/audit-events.module';
import { AuthenticationGuard } from './auth/authentication.guard';
import { AuthModule } from './auth/auth.module';
import { ClustersModule } from './clusters/clusters.module';
import { ClusterStatusModule } from './cluster-status/cluster-status.module';
import { ConsoleModule } from './console/console.module';
import { EtagInterceptor } from './common/etag.interceptor';
import { HealthModule } from './health/health.module';
import { FleetModule } from './fleet/fleet.module';
import { MeModule } from './me/me.module';
import { ApiMetricsModule } from './metrics/api-metrics.module';
import { MembersModule } from './members/members.module';
import { NamespaceRequestsModule } from './namespace-requests/namespace-requests.module';
import { NamespacesModule } from './namespaces/namespaces.module';
import { PreviewsModule } from './previews/previews.module';
import { FluxInputsModule } from './flux-inputs/flux-inputs.module';
import { QuotaTiersModule } from './quota-tiers/quota-tiers.module';
import { TenantsModule } from './tenants/tenants.module';
import { WebhooksApiModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    // Process concerns the API also runs inline (the fleet writer and webhook deliveries, where enabled).
    FleetWriterModule,
    WebhooksModule,
    // The guards below: the passport strategy and what PoliciesGuard loads (AUTHZ_SUBJECTS).
    AuthModule,
    HealthModule,
    MeModule,
    ClustersModule,
    QuotaTiersModule,
    TenantsModule,
    MembersModule,
    ApiKeysModule,
    AuditEventsModule,
    NamespaceRequestsModule,
    NamespacesModule,
    PreviewsModule,
    FluxInputsModule,
    FleetModule,
    ClusterStatusModule,
    WebhooksApiModule,
    ApiMetricsModule,
    ConsoleModule,
  ],
  providers: [
    // Order matters: authenticate, then authorize. Both global: deny by default.
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: PoliciesGuard },
    { provide: APP_PIPE, useFactory: createValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
  ],
})
export class AppModule {
  /** The application on a configuration resolved by its bootstrap (validated once, passed in). */
  static forRoot(config: BerthConfig): DynamicModule {
    return { module: AppModule, imports: [BerthConfigModule.forRoot(config)] };
  }
}
