import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { toBerthConfig, BerthConfig } from './berth-config';
import { validateEnv } from './env.schema';

export const BERTH_CONFIG = 'BERTH_CONFIG';

/** Validates the environment once (ConfigModule's `validate`) and provides the typed BerthConfig. */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: validateEnv, cache: true })],
  providers: [
    {
      provide: BERTH_CONFIG,
      useFactory: (): BerthConfig => toBerthConfig(validateEnv(process.env)),
    },
  ],
  exports: [BERTH_CONFIG],
})
export class BerthConfigModule {}
