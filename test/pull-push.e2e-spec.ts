import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseAllDocuments } from 'yaml';
import { http, startApp } from './helpers/app';
import { sql } from './helpers/db';
import { apiKeyHeader, bearer } from './helpers/fixtures';
import { FleetEnv, fleetEnv, fleetWorld, requestNamespace, treeFiles } from './helpers/fleet';
import { waitFor } from './helpers/wait-for';
import { adminToken } from './helpers/tokens';

jest.setTimeout(90_000);

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
type Input = { id: string; kind: 'namespace' | 'onboarding'; tenant: string; name?: string; objects: Obj[] };
const keyOf = (o: Obj) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const byKey = (objects: Obj[]) => new Map(objects.map((o) => [keyOf(o), o]));

/**
 * One source of truth: for the same state, the objects Flux Operator gets from GET /v1/flux/inputs (pull mode) are
 * exactly the objects the fleet writer commits under tenants/<cluster>/<tenant>/ (push mode), parsed from the YAML.
 */
describe('pull mode serves what push mode writes', () => {
  let env: FleetEnv;
  let app: NestFastifyApplication;
  beforeAll(async () => {
    env = await fleetEnv({ BERTH_FLEET_WRITER: 'inline' });
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
    await env?.cleanup();
  });

  it('same objects for the same state: namespaces, hash-named RoleBindings, onboarding with the app repository; writer-failed namespaces are left out, Flux-failed ones stay', async () => {
    const world = await fleetWorld(app);
    const t = world.tenant.name;
    const syncRepo = { url: 'https://git.example.com/team/deploy.git', branch: 'main', path: 'deploy', secretRef: 'team-git' };
    await http(app).patch(`/v1/tenants/${t}`).set(bearer(world.tenant.owner)).send({ syncRepo }).expect(200);
    const ids = [
      await requestNamespace(app, world, `${t}-a`, {
        labels: { team: 'web' },
        access: [
          { subject: { kind: 'Group', name: 'Team A/Ops@corp' }, role: 'edit' },
          { subject: { kind: 'User', name: 'bob@example.com' }, role: 'view' },
        ],
        networkPolicy: 'tenant',
      }),
      await requestNamespace(app, world, `${t}-b`),
      await requestNamespace(app, world, `${t}-c`),
    ];
    await waitFor(
      async () =>
        (await sql<{ state: string }>('SELECT state FROM "NamespaceRequest" WHERE id = ANY($1::uuid[])', [ids])).every((r) => r.state === 'Committed'),
      { what: 'requests Committed', timeoutMs: 30_000 },
    );
    // c: Flux failed to apply it (as the status reader records it): still in the repository, still served.
    await sql(`UPDATE "Namespace" SET state = 'Failed', "failedBy" = 'Flux', "lastError" = 'Flux: admission webhook denied' WHERE name = $1`, [`${t}-c`]);

    const admin = await adminToken();
    const key = await http(app)
      .post('/v1/api-keys')
      .set(bearer(admin))
      .send({ name: `flux-${t}`, role: 'cluster', cluster: world.cluster })
      .expect(201);
    const pull = async () => {
      const res = await http(app)
        .get(`/v1/flux/inputs?cluster=${world.cluster}`)
        .set(apiKeyHeader(key.body.key as string))
        .expect(200);
      return (res.body.inputs as Input[]).filter((i) => i.tenant === t);
    };
    const push = async () => {
      const prefix = `tenants/${world.cluster}/${t}/`;
      const objects: Obj[] = [];
      for (const [path, text] of await treeFiles(env.repo)) {
        if (!path.startsWith(prefix) || path.endsWith('/kustomization.yaml') || path === `${prefix}kustomization.yaml`) continue;
        objects.push(...parseAllDocuments(text).map((d) => d.toJSON() as Obj));
      }
      return objects;
    };

    const inputs = await pull();
    expect(inputs.map((i) => `${i.kind}:${i.name ?? i.tenant}`).sort()).toEqual([
      `namespace:${t}-a`,
      `namespace:${t}-b`,
      `namespace:${t}-c`,
      `onboarding:${t}`,
    ]);
    const pulled = inputs.flatMap((i) => i.objects);
    expect(byKey(pulled)).toEqual(byKey(await push()));
    expect(pulled.length).toBe(byKey(pulled).size); // every object in exactly one input (one owner per shard)
    // The namespace carries the label the status reader selects; the app repository is in the onboarding input.
    const nsA = pulled.find((o) => o.kind === 'Namespace' && o.metadata.name === `${t}-a`) as Obj & { metadata: { labels: Record<string, string> } };
    expect(nsA.metadata.labels['berth.dev/managed-by']).toBe('berth');
    const onboarding = inputs.find((i) => i.kind === 'onboarding')!;
    expect(onboarding.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(onboarding.objects.find((o) => o.kind === 'GitRepository')).toMatchObject({ spec: { url: syncRepo.url, secretRef: { name: 'team-git' } } });

    // Removing an access entry removes exactly its binding; the other keeps its name (and so its roleRef).
    const bindings = (objs: Obj[]) =>
      objs
        .filter((o) => o.kind === 'RoleBinding' && o.metadata.namespace === `${t}-a`)
        .map((o) => o.metadata.name)
        .sort();
    const before = bindings(pulled);
    const change = await http(app)
      .patch(`/v1/tenants/${t}/namespaces/${t}-a`)
      .set(bearer(world.tenant.owner))
      .send({ access: [{ subject: { kind: 'User', name: 'bob@example.com' }, role: 'view' }] })
      .expect(201);
    const after = await waitFor(
      async () => {
        const names = bindings((await pull()).flatMap((i) => i.objects));
        return names.length === before.length - 1 ? names : null;
      },
      { what: 'the removed access binding gone from the pulled inputs' },
    );
    expect(before).toEqual(expect.arrayContaining(after));
    // The writer records that change Committed on its own time: let it, or it would overwrite the Failed states set below.
    await waitFor(
      async () => (await sql<{ state: string }>('SELECT state FROM "NamespaceRequest" WHERE id = $1', [change.body.id]))[0]?.state === 'Committed',
      { what: 'the access change Committed', timeoutMs: 30_000 },
    );

    // b: the writer could not render its desired state (never committed): not served, as push mode leaves it out.
    await sql(`UPDATE "Namespace" SET state = 'Failed', "failedBy" = 'Writer', "lastError" = 'renderer refused it' WHERE name = $1`, [`${t}-b`]);
    const names = (await pull()).filter((i) => i.kind === 'namespace').map((i) => i.name);
    expect(names.sort()).toEqual([`${t}-a`, `${t}-c`]);
    // Once the tenant has no served namespace left on the cluster, its onboarding goes too (push mode removes the folder).
    await sql(`UPDATE "Namespace" SET state = 'Failed', "failedBy" = 'Writer', "lastError" = 'renderer refused it' WHERE name = ANY($1)`, [
      [`${t}-a`, `${t}-c`],
    ]);
    expect(await pull()).toEqual([]);
  });
});
