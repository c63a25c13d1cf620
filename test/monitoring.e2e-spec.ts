import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { BerthMetrics } from '@berth/common/metrics';
import { validateModel } from '../libs/manifests/src/validation';

const dir = path.join(__dirname, '..', 'deploy', 'monitoring');
const rule = parseAllDocuments(readFileSync(path.join(dir, 'alerts.yaml'), 'utf8')).map((d) => d.toJSON())[0];
const dashboard = JSON.parse(readFileSync(path.join(dir, 'grafana-dashboard.json'), 'utf8'));

/** Every series name Berth exports (a histogram is its _bucket, _sum and _count series), and each family's labels. */
const metrics = new BerthMetrics();
const families = metrics.registry
  .getMetricsAsArray()
  .map((m) => ({ name: m.name, type: String(m.type), labels: (m as unknown as { labelNames: string[] }).labelNames }));
const exported = new Set(families.flatMap(({ name, type }) => (type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name])));
const berthFamilies = families.filter((f) => f.name.startsWith('berth_'));

const ruleExprs: string[] = rule.spec.groups.flatMap((g: { rules: Array<{ expr: string }> }) => g.rules.map((r) => r.expr));
const panelExprs: string[] = dashboard.panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
const berthNames = (exprs: string[]) => [...new Set(exprs.flatMap((e) => e.match(/\bberth_[a-z0-9_]+/g) ?? []))];

describe('deploy/monitoring: alert rules and Grafana dashboard', () => {
  it('the PrometheusRule is valid against the Prometheus Operator schema and has the alerts operators need', () => {
    validateModel(new PrometheusRule(rule), 'PrometheusRule/berth');
    const alerts = rule.spec.groups.flatMap((g: { rules: Array<{ alert: string }> }) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual(
      expect.arrayContaining(['BerthFleetWriterNotPushing', 'BerthApprovalsWaitingTooLong', 'BerthClusterStatusStale', 'BerthClusterStatusErrors']),
    );
  });

  it('the rules and the dashboard only use metric names Berth exports', () => {
    const used = berthNames([...ruleExprs, ...panelExprs]);
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
    // Node's process metrics the dashboard shows come from the same registry.
    const other = [...new Set(panelExprs.flatMap((e) => e.match(/\b(process|nodejs)_[a-z0-9_]+/g) ?? []))];
    expect(other.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the dashboard shows every Berth metric, and groups only by labels that metric has', () => {
    const used = berthNames(panelExprs);
    expect(berthFamilies.filter((f) => !used.some((n) => n === f.name || n.startsWith(`${f.name}_`))).map((f) => f.name)).toEqual([]);
    for (const expr of [...ruleExprs, ...panelExprs]) {
      const names = berthNames([expr]);
      const labels = new Set(['le', ...berthFamilies.filter((f) => names.some((n) => n === f.name || n.startsWith(`${f.name}_`))).flatMap((f) => f.labels)]);
      const grouped = [...expr.matchAll(/\bby \(([^)]*)\)/g), ...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) =>
        m[1]
          .split(',')
          .map((s) => s.trim().split(/[=!~]/)[0])
          .filter(Boolean),
      );
      if (names.length > 0) expect({ expr, unknown: grouped.filter((l) => !labels.has(l) && l !== 'job') }).toEqual({ expr, unknown: [] });
    }
  });

  it('every dashboard panel has a unique id and a Prometheus query; its templating picks the data source', () => {
    const ids = dashboard.panels.map((p: { id: number }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((p: { type: string }) => p.type !== 'row')) expect(panel.targets.length).toBeGreaterThan(0);
    expect(dashboard.templating.list.map((v: { name: string }) => v.name)).toContain('datasource');
  });

  const kubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  (kubectl ? it : it.skip)('kubectl kustomize deploy/monitoring builds the rule and a Grafana sidecar ConfigMap holding the dashboard', () => {
    const objects = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJSON());
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    validateModel(new ConfigMap(configMap), 'ConfigMap/berth-grafana-dashboard');
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(configMap.data['grafana-dashboard.json'])).toEqual(dashboard);
    expect(objects.find((o) => o.kind === 'PrometheusRule').spec).toEqual(rule.spec);
  });
});
