import { Inject, Injectable, Logger } from '@nestjs/common';
import { BERTH_CONFIG, BerthConfig } from '@berth/config';
import { ConflictError } from '@berth/common';
import { FleetRepo } from '@berth/gitops';
import { FleetRendering } from './fleet-rendering.service';

/**
 * This process's one clone of the fleet repository (one FleetRepo per process and workdir). The writer
 * opens it at start; drift and reconcile open it on first use where this process does not write (an API
 * with BERTH_FLEET_WRITER=off next to apps/worker).
 */
@Injectable()
export class FleetRepoProvider {
  private readonly logger = new Logger('FleetWriter');
  private repo?: FleetRepo;
  private opening?: Promise<FleetRepo>;

  constructor(
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    private readonly rendering: FleetRendering,
  ) {}

  get author() {
    return this.config.fleet.author;
  }

  /** The writer's start: a clone object without touching the remote (a remote down at start only degrades the writer). */
  create(): FleetRepo {
    this.repo ??= this.newRepo();
    return this.repo;
  }

  /** The clone, opened on first use. 409 when no fleet repository is configured. */
  async ensure(): Promise<FleetRepo> {
    if (this.repo) return this.repo;
    if (!this.config.fleet.repoUrl) {
      throw new ConflictError('No fleet repository is configured (BERTH_FLEET_REPO_URL)', [
        { code: 'no-fleet-repository', message: 'set BERTH_FLEET_REPO_URL' },
      ]);
    }
    this.opening ??= (async () => {
      const repo = this.newRepo();
      await repo.open();
      this.repo = repo;
      return repo;
    })().finally(() => (this.opening = undefined));
    return this.opening;
  }

  /** The writer's clone; throws where this process does not write. */
  require(): FleetRepo {
    if (!this.repo) throw new Error('The fleet writer is not running in this process (BERTH_FLEET_WRITER=off)');
    return this.repo;
  }

  async close(): Promise<void> {
    await this.repo?.close();
  }

  private newRepo(): FleetRepo {
    const { fleet } = this.config;
    return new FleetRepo({
      url: fleet.repoUrl!,
      branch: fleet.branch,
      workdir: fleet.workdir,
      owned: [`${this.rendering.options.tenantsRoot}/`],
      auth: {
        sshKeyFile: fleet.auth.sshKeyFile,
        sshKnownHostsFile: fleet.auth.sshKnownHostsFile,
        username: fleet.auth.username,
        tokenFile: fleet.auth.tokenFile,
      },
      logger: this.logger,
    });
  }
}
