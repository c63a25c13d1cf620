import { parseAllDocuments } from 'yaml';
import {
  PULL_RESOURCES_TEMPLATE,
  pullModeSetup,
  pullNamespaceObjects,
  pullOnboardingObjects,
  renderNamespace,
  renderTenantOnboarding,
  type NamespaceSpec,
} from '.';
import { baseNamespace, namespaceCases } from '../test/fixtures';

const yamlObjects = (text: string) => parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJSON() as Record<string, unknown>);
const key = (o: Record<string, unknown>) => {
  const m = o.metadata as { name: string; namespace?: string };
  return `${String(o.apiVersion)}/${String(o.kind)}/${m.namespace ?? ''}/${m.name}`;
};
const byKey = (objects: Array<Record<string, unknown>>) => new Map(objects.map((o) => [key(o), o]));

describe('pull mode objects are push mode objects', () => {
  const syncRepo = { url: 'https://git.example.com/acme/apps.git', branch: 'main', path: 'deploy', paths: { 'eu-west-1': 'deploy/eu' }, secretRef: 'acme-git' };
  const specs: NamespaceSpec[] = Object.values(namespaceCases).map((c) => c.spec);

  it('the union of every input equals the objects of the tenant folder push mode writes', () => {
    const names = [...new Set(specs.map((s) => s.name))];
    const pushed = [
      ...specs.flatMap((s) =>
        Object.entries(renderNamespace(s))
          .filter(([file]) => file !== 'kustomization.yaml')
          .flatMap(([, text]) => yamlObjects(text)),
      ),
      ...yamlObjects(renderTenantOnboarding({ name: 'acme', cluster: 'eu-west-1', namespaces: names, syncRepo })['tenant.yaml']!),
    ];
    const pulled = [...specs.flatMap((s) => pullNamespaceObjects(s)), ...pullOnboardingObjects({ name: 'acme', cluster: 'eu-west-1', syncRepo })];
    expect(byKey(pulled)).toEqual(byKey(pushed));
    expect(pulled).toHaveLength(pushed.length); // no object in two inputs (they would be two owners in two shards)
  });

  it('serialises with sorted keys at every level, so equal state is equal bytes', () => {
    const [ns] = pullNamespaceObjects({ ...baseNamespace, labels: { zeta: '1', alpha: '2' } });
    expect(JSON.stringify(ns)).toMatch(/^\{"apiVersion":"v1","kind":"Namespace","metadata":\{"annotations":/);
    expect(Object.keys((ns!.metadata as { labels: object }).labels)).toEqual([...Object.keys((ns!.metadata as { labels: object }).labels)].sort());
  });

  it('a protected namespace is kept by both garbage collectors (flux-operator ResourceSet: fluxcd.controlplane.io/prune disabled is excluded from deletion)', () => {
    const [ns] = pullNamespaceObjects({ ...baseNamespace, protected: true });
    expect((ns!.metadata as { annotations: Record<string, string> }).annotations).toMatchObject({
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      'fluxcd.controlplane.io/prune': 'disabled',
    });
  });

  it('the namespace carries the labels the status reader selects (berth.dev/managed-by=berth)', () => {
    const [ns] = pullNamespaceObjects(baseNamespace);
    expect((ns!.metadata as { labels: Record<string, string> }).labels['berth.dev/managed-by']).toBe('berth');
  });
});

describe('the ResourceSet template', () => {
  /**
   * Executes the template the way Go text/template does for this shape (flux-operator builder: delimiters
   * `<<` `>>`, `<<-` trims the whitespace before it, `range` over inputs.objects, toYaml) — toYaml is sigs.k8s.io/yaml
   * there; JSON is YAML, so JSON stands in for it here.
   */
  function execute(template: string, objects: unknown[]): string {
    const m = /^<<- range \$object := inputs\.objects >>([\s\S]*)<< toYaml \$object >>([\s\S]*)<<- end >>\n$/.exec(template);
    if (!m) throw new Error('template shape changed: update this emulation');
    const before = m[1]!;
    return objects.map((o) => `${before}${JSON.stringify(o)}\n${m[2]!.replace(/\s+$/, '')}`).join('');
  }

  it('prints every object of an input as its own document', () => {
    const objects = pullNamespaceObjects(namespaceCases['tenant-full']!.spec);
    expect(yamlObjects(execute(PULL_RESOURCES_TEMPLATE, objects))).toEqual(objects);
    expect(PULL_RESOURCES_TEMPLATE).not.toMatch(/\{\{/); // Flux Operator's delimiters are << >>
  });

  it('the documented setup: one provider and one ResourceSet per shard, reading this template', () => {
    const docs = yamlObjects(pullModeSetup({ cluster: 'prod-eu-1', baseUrl: 'https://berth.example.com/', shards: 2 }));
    expect(docs.map((d) => `${String(d.kind)}/${(d.metadata as { name: string }).name}`)).toEqual([
      'ResourceSetInputProvider/berth-0',
      'ResourceSet/berth-0',
      'ResourceSetInputProvider/berth-1',
      'ResourceSet/berth-1',
    ]);
    expect((docs[2]!.spec as { url: string }).url).toBe('https://berth.example.com/v1/flux/inputs?cluster=prod-eu-1&shards=2&shard=1');
    expect((docs[1]!.spec as { resourcesTemplate: string }).resourcesTemplate).toBe(PULL_RESOURCES_TEMPLATE);
  });
});
