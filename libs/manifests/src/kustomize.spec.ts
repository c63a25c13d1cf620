import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import {
  DEFAULT_RENDER_OPTIONS,
  namespaceDir,
  renderClusterIndex,
  renderNamespace,
  renderTenantOnboarding,
  roleBindingName,
  tenantDir,
  type NetworkPolicyProfile,
  type RenderedFiles,
} from '.';
import { baseNamespace } from '../test/fixtures';

// Integration: the rendered tree must build with the kustomize that ships in kubectl (what Flux runs, give or
// take a version). Skipped, loudly, where kubectl is not installed.
function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
const kubectl = hasKubectl();
if (!kubectl) console.warn('kubectl not found on PATH: skipping the `kubectl kustomize` integration spec');
const describeIfKubectl = kubectl ? describe : describe.skip;

describeIfKubectl('kubectl kustomize on a rendered fleet tree', () => {
  const cluster = 'eu-west-1';
  const opts = DEFAULT_RENDER_OPTIONS;
  const tenants: Record<string, { namespaces: string[]; profile: NetworkPolicyProfile; repo: boolean }> = {
    acme: { namespaces: ['acme-dev', 'acme-prod'], profile: 'tenant', repo: true },
    beta: { namespaces: ['beta-web', 'beta-api'], profile: 'isolated', repo: false },
  };
  let root: string;

  const write = (dir: string, files: RenderedFiles) => {
    for (const [name, text] of Object.entries(files)) {
      const path = join(root, dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'berth-manifests-'));
    for (const [tenant, t] of Object.entries(tenants)) {
      for (const ns of t.namespaces) {
        const spec = {
          ...baseNamespace,
          tenant,
          name: ns,
          cluster,
          networkPolicy: t.profile,
          access: [{ subject: { kind: 'Group' as const, name: `${tenant} devs` }, role: 'edit' }],
          limitRange: ns.endsWith('dev') ? { default: { cpu: '500m' } } : null,
        };
        write(namespaceDir(opts, cluster, tenant, ns), renderNamespace(spec, opts));
      }
      const syncRepo = t.repo ? { url: `https://git.example.com/${tenant}.git`, branch: 'main', path: './deploy' } : null;
      write(tenantDir(opts, cluster, tenant), renderTenantOnboarding({ name: tenant, cluster, namespaces: t.namespaces, syncRepo }, opts));
    }
    write('', renderClusterIndex(cluster, Object.keys(tenants), opts));
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('yields exactly the expected objects', async () => {
    const { stdout } = await promisify(execFile)('kubectl', ['kustomize', join(root, 'tenants', cluster)], { timeout: 60_000 });
    const docs = parseAllDocuments(stdout).map((d) => d.toJSON() as { kind: string; metadata: { name: string; namespace?: string } });
    const got = docs.map((d) => `${d.kind} ${d.metadata.namespace ?? ''}/${d.metadata.name}`).sort();

    const expected: string[] = [];
    for (const [tenant, t] of Object.entries(tenants)) {
      const home = `berth-tenant-${tenant}`;
      expected.push(`Namespace /${home}`, `ServiceAccount ${home}/flux-${tenant}`);
      if (t.repo) expected.push(`GitRepository ${home}/${tenant}`, `Kustomization ${home}/${tenant}`);
      for (const ns of t.namespaces) {
        expected.push(
          `Namespace /${ns}`,
          `ResourceQuota ${ns}/berth-quota`,
          `RoleBinding ${ns}/berth-flux-reconciler`,
          `RoleBinding ${ns}/${roleBindingName({ subject: { kind: 'Group', name: `${tenant} devs` }, role: 'edit' })}`,
          `NetworkPolicy ${ns}/berth-default-deny-ingress`,
          `NetworkPolicy ${ns}/berth-allow-same-namespace`,
          `NetworkPolicy ${ns}/berth-allow-ingress-controller`,
        );
        if (t.profile === 'tenant') expected.push(`NetworkPolicy ${ns}/berth-allow-same-tenant`);
        expected.push(`LimitRange ${ns}/berth-limits`); // baseNamespace quotas compute keys: defaults are derived
      }
    }
    expect(got).toEqual(expected.sort());
    // kustomize orders Namespaces first, so Flux creates them before the namespaced objects
    expect(docs.slice(0, 6).every((d) => d.kind === 'Namespace')).toBe(true);
  });
});
