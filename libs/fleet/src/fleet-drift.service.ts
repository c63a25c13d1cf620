import { Injectable } from '@nestjs/common';
import { BerthMetrics } from '@berth/common/metrics';
import type { OwnershipCollision } from '@berth/manifests';
import { unreachableAs503 } from './fleet-errors';
import { FleetWriterLock } from './fleet-lock';
import { FleetRendering } from './fleet-rendering.service';
import { FleetRepoProvider } from './fleet-repo.provider';
import { FleetWriterRepository } from './fleet-writer.repository';
import { assertNoCollisions, ownedPaths, ownershipCollisions } from './ownership';
import { ownedDirs } from './tree-writes';

export interface DriftReport {
  head: string | null;
  changed: string[];
  missing: string[];
  unexpected: string[];
  /** Files two owners would render (e.g. two clusters with one fleetPath): nothing is written to them. */
  collisions: OwnershipCollision[];
}

/** The remote against the database: what differs (drift), and one commit that rewrites it all (reconcile). */
@Injectable()
export class FleetDrift {
  constructor(
    private readonly rendering: FleetRendering,
    private readonly repos: FleetRepoProvider,
    private readonly lock: FleetWriterLock,
    private readonly store: FleetWriterRepository,
    private readonly metrics: BerthMetrics,
  ) {}

  /** Compares what Berth would render with the remote head, for every path Berth owns. */
  drift(): Promise<DriftReport> {
    return unreachableAs503(() => this.computeDrift());
  }

  /** Rewrites every path Berth owns from the database in one commit (null when nothing drifted). */
  reconcile(): Promise<string | null> {
    return unreachableAs503(() => this.rewriteOwnedPaths());
  }

  private async computeDrift(): Promise<DriftReport> {
    const repo = await this.repos.ensure();
    const { options } = this.rendering;
    const expected = await this.rendering.renderAll();
    const { collisions } = ownershipCollisions(options, expected.clusters);
    const report: DriftReport = { head: null, changed: [], missing: [], unexpected: [], collisions };
    await repo.commitBatch(
      async (tree) => {
        report.changed = [];
        report.missing = [];
        report.unexpected = [];
        for (const [path, content] of expected.files) {
          const actual = await tree.read(path);
          if (actual === null) report.missing.push(path);
          else if (actual !== content) report.changed.push(path);
        }
        for (const dir of await ownedDirs(tree, options)) if (!expected.dirs.has(dir)) report.unexpected.push(`${dir}/`);
      },
      { message: 'drift check (never committed)', author: this.repos.author, owned: ownedPaths(options, expected.clusters) },
    );
    report.head = await repo.headSha();
    return report;
  }

  private async rewriteOwnedPaths(): Promise<string | null> {
    const repo = await this.repos.ensure();
    const { options } = this.rendering;
    return this.lock.run(async () => {
      const expected = await this.rendering.renderAll();
      assertNoCollisions(options, expected.clusters);
      const { sha } = await repo.commitBatch(
        async (tree) => {
          for (const dir of await ownedDirs(tree, options)) if (!expected.dirs.has(dir)) await tree.removeDir(dir);
          for (const dir of expected.dirs) await tree.removeDir(dir);
          for (const [path, content] of expected.files) await tree.write(path, content);
        },
        { message: "Reconcile fleet repository with Berth's desired state", author: this.repos.author, owned: ownedPaths(options, expected.clusters) },
      );
      if (sha) {
        await this.store.recordPush(sha);
        this.metrics.fleetCommits.inc();
      }
      return sha;
    });
  }
}
