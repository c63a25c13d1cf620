import { DynamicModule, Module } from '@nestjs/common';
import { BerthConfig, toBerthConfig } from './berth-config';
import { validateEnv } from './env.schema';

export const BERTH_CONFIG = 'BERTH_CONFIG';

/**
 * The environment validated once, typed: what a bootstrap reads before it builds its modules (throws with every
 * invalid variable named). The bootstrap may complete it (the embedded database's URL, the local fleet
 * repository) and hands the result to BerthConfigModule.forRoot: modules never read process.env.
 */
export function configFromEnv(env: Record<string, unknown> = process.env): BerthConfig {
  return toBerthConfig(validateEnv(env));
}

/** Provides the resolved BerthConfig (BERTH_CONFIG) to every module of the application. */
@Module({})
export class BerthConfigModule {
  static forRoot(config: BerthConfig): DynamicModule {
    return { module: BerthConfigModule, global: true, providers: [{ provide: BERTH_CONFIG, useValue: config }], exports: [BERTH_CONFIG] };
  }
}
