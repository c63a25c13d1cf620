import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { parseAllDocuments } from 'yaml';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { BerthEnv, validateEnv } from '@berth/config';
import { renderStatusReaderRbac } from '@berth/manifests';
import { validateModel } from '../libs/manifests/src/validation';

type K8sObject = any;

const MODELS: Record<string, new (data: K8sObject) => { validate(): void; toJSON(): unknown }> = {
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
};

const root = path.join(__dirname, '..', 'deploy');
const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!kubectl) console.warn('test/deploy.e2e-spec.ts: kubectl is not installed, the kustomize build of deploy/ is NOT tested');
const withKubectl = kubectl ? describe : describe.skip;

function build(overlay: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(root, 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJSON());
}

const find = (objects: K8sObject[], kind: string, name: string): K8sObject | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const berthEnvNames = new Set(
  getMetadataStorage()
    .getTargetValidationMetadatas(BerthEnv, '', true, false)
    .map((m) => m.propertyName),
);

withKubectl.each(['inline-writer', 'separate-worker'])('deploy/overlays/%s', (overlay) => {
  const objects = build(overlay);
  const api = find(objects, 'Deployment', 'berth-api');
  const worker = find(objects, 'Deployment', 'berth-worker');
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('berth-config'));

  it('every object is valid against its Kubernetes (or Prometheus Operator) schema and lives in one namespace', () => {
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(Model && `${object.kind} has a schema`).toBe(`${object.kind} has a schema`);
      validateModel(new Model(object), `${object.kind}/${object.metadata.name}`);
      if (!object.kind.startsWith('Cluster')) expect(object.metadata.namespace).toBe('berth');
    }
  });

  it('the fleet writer runs in exactly one kind of process', () => {
    expect(config.data.BERTH_FLEET_WRITER).toBe(overlay === 'inline-writer' ? 'inline' : 'off');
    if (overlay === 'inline-writer') expect(worker).toBeUndefined();
    else expect(worker.spec.replicas).toBeGreaterThanOrEqual(1);
    // The image's ENTRYPOINT is tini: the worker changes only the arguments, the API keeps the image's CMD.
    for (const deployment of [api, worker].filter(Boolean)) expect(deployment.spec.template.spec.containers[0].command).toBeUndefined();
    if (worker) expect(worker.spec.template.spec.containers[0].args).toEqual(['node', 'dist/apps/worker/apps/worker/src/main.js']);
  });

  it('the API has ≥ 2 replicas, probes on /healthz and /readyz, resources, and a locked-down container', () => {
    expect(api.spec.replicas).toBeGreaterThanOrEqual(2);
    const [container] = api.spec.template.spec.containers;
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.resources.requests).toEqual(expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }));
    expect(container.resources.limits.memory).toEqual(expect.any(String));
  });

  it('every container runs as non-root on a read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp', () => {
    for (const deployment of [api, worker].filter(Boolean)) {
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        // What must be writable is an emptyDir: /tmp and the fleet workdir.
        const mounts = new Map(container.volumeMounts.map((m: K8sObject) => [m.mountPath, m.name]));
        expect(mounts.has('/tmp')).toBe(true);
        const workdir = config.data.BERTH_FLEET_WORKDIR as string;
        const writable = [...mounts.entries()].filter(([, name]) => pod.volumes.find((v: K8sObject) => v.name === name)?.emptyDir);
        expect(writable.some(([mountPath]) => workdir === mountPath || workdir.startsWith(`${mountPath as string}/`))).toBe(true);
      }
    }
  });

  it('the PodDisruptionBudget and the Service select the API pods (and only them)', () => {
    const labels = api.spec.template.metadata.labels;
    const pdb = find(objects, 'PodDisruptionBudget', 'berth-api');
    const service = find(objects, 'Service', 'berth-api');
    expect(matches(pdb.spec.selector.matchLabels, labels)).toBe(true);
    expect(matches(service.spec.selector, labels)).toBe(true);
    if (worker) {
      expect(matches(pdb.spec.selector.matchLabels, worker.spec.template.metadata.labels)).toBe(false);
      expect(matches(service.spec.selector, worker.spec.template.metadata.labels)).toBe(false);
    }
    const port = api.spec.template.spec.containers[0].ports[0];
    expect([port.name, port.containerPort]).toContain(service.spec.ports[0].targetPort);
    const monitor = find(objects, 'ServiceMonitor', 'berth-api');
    expect(matches(monitor.spec.selector.matchLabels, service.metadata.labels)).toBe(true);
    expect(monitor.spec.endpoints[0].port).toBe(service.spec.ports[0].name);
  });

  it('every environment variable is one Berth reads, the ConfigMap passes Berth validation, and secrets come from Secrets', () => {
    const keys = Object.keys(config.data);
    for (const deployment of [api, worker].filter(Boolean)) {
      for (const container of deployment.spec.template.spec.containers) {
        const names = [...keys, ...(container.env ?? []).map((e: K8sObject) => e.name)];
        expect(names.filter((n) => !berthEnvNames.has(n))).toEqual([]);
        for (const e of container.env ?? []) expect(e.valueFrom?.secretKeyRef?.name).toEqual(expect.stringMatching(/^berth-/));
      }
    }
    expect(() => validateEnv(config.data)).not.toThrow();
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
  });

  it('Prometheus scrapes the API on its port and the worker on BERTH_METRICS_PORT (a PodMonitor on its metrics port)', () => {
    const podMonitor = find(objects, 'PodMonitor', 'berth-worker');
    if (!worker) return expect(podMonitor).toBeUndefined();
    const workerConfig = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('berth-worker-config'));
    expect(() => validateEnv(workerConfig.data)).not.toThrow();
    const [container] = worker.spec.template.spec.containers;
    expect(container.envFrom.map((e: K8sObject) => e.configMapRef.name)).toEqual([config.metadata.name, workerConfig.metadata.name]);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: Number(workerConfig.data.BERTH_METRICS_PORT), protocol: 'TCP' }]);
    expect(matches(podMonitor.spec.selector.matchLabels, worker.spec.template.metadata.labels)).toBe(true);
    expect(matches(podMonitor.spec.selector.matchLabels, api.spec.template.metadata.labels)).toBe(false);
    expect(podMonitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'metrics', path: '/metrics' })]);
    // The API keeps /metrics on its own port: the shared ConfigMap does not move it.
    expect(config.data.BERTH_METRICS_PORT).toBeUndefined();
  });

  it('the status reader RBAC is exactly what libs/manifests renders for the berth ServiceAccount', () => {
    const rendered = parseAllDocuments(renderStatusReaderRbac({ kind: 'ServiceAccount', namespace: 'berth' }, 'berth')).map((d) => d.toJSON());
    for (const expected of rendered) {
      const actual = find(objects, expected.kind, expected.metadata.name);
      const { labels: _labels, ...metadata } = actual.metadata;
      const { labels: _expectedLabels, ...expectedMetadata } = expected.metadata;
      expect({ ...actual, metadata }).toEqual({ ...expected, metadata: expectedMetadata });
    }
    expect(find(objects, 'ServiceAccount', 'berth')).toBeDefined();
    expect(api.spec.template.spec.serviceAccountName).toBe('berth');
  });

  it('the NetworkPolicy covers the API and the worker, admits the API and metrics ports and allows DNS, PostgreSQL, git and the Kubernetes API out', () => {
    const policy = find(objects, 'NetworkPolicy', 'berth');
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    for (const deployment of [api, worker].filter(Boolean))
      expect(matches(policy.spec.podSelector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    expect(policy.spec.ingress.flatMap((r: K8sObject) => r.ports.map((p: K8sObject) => p.port))).toEqual(['http', 'metrics']);
    const egress = policy.spec.egress.flatMap((r: K8sObject) => r.ports.map((p: K8sObject) => `${p.protocol}/${p.port}`));
    expect(egress).toEqual(expect.arrayContaining(['UDP/53', 'TCP/53', 'TCP/5432', 'TCP/22', 'TCP/443', 'TCP/6443']));
  });
});
