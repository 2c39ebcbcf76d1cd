/**
 * `kubetwin diff` from examples/e-commerce/as-documented to fixed/ lists every repair the example README names
 * (the policies it adds or corrects, the ClusterIssuer, the flows that become delivered, the ports no longer open to
 * the internet, the findings resolved) and nothing that did not change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../src/cli/_test-run.ts';

const args = ['diff', '--base', 'examples/e-commerce/as-documented', '-f', 'examples/e-commerce/fixed'];
const common = ['--flows', 'examples/e-commerce/flows.yaml', '--at', '2026-01-01T00:00:00Z', '-o', 'json'];

test('diff of the e-commerce example lists every repair the README names, and nothing else', async () => {
  const r = await runCli([...args, ...common]);
  assert.equal(r.code, 0, r.stderr);
  const d = JSON.parse(r.stdout) as {
    objects: {
      key: string;
      change: string;
      afterAt?: string;
      fields: { afterAt?: string; beforeAt?: string }[];
    }[];
    effects: {
      layer: string;
      subject: string;
      change: string;
      direction: string;
      before: string;
      after: string;
    }[];
    summary: { flowsBroken: number; flowsFixed: number; newErrors: number; newExposure: number };
  };
  // Nothing that did not change: only 90-network-policies.yaml and 75-cert-manager.yaml differ (README, decisions).
  for (const o of d.objects)
    for (const at of [o.afterAt, ...o.fields.flatMap((f) => [f.afterAt, f.beforeAt])].filter(Boolean))
      assert.match(
        at!,
        /\/(90-network-policies|75-cert-manager)\.yaml:/,
        `${o.key} changed outside the two files`,
      );
  const keys = d.objects.map((o) => o.key);
  // D1, D2, D3, D5, D6, D7: the policies the README says fixed/ adds or corrects.
  for (const k of [
    'NetworkPolicy/e-commerce/allow-api-gateway-ingress',
    'NetworkPolicy/e-commerce/allow-api-gateway-egress',
    'NetworkPolicy/e-commerce/allow-microservices-ingress',
    'NetworkPolicy/e-commerce/allow-database-ingress',
    'NetworkPolicy/e-commerce/allow-redis-ingress',
    'NetworkPolicy/e-commerce/allow-dns',
    'NetworkPolicy/e-commerce-messaging/deny-all-default',
    'NetworkPolicy/e-commerce-messaging/allow-dns',
    'NetworkPolicy/e-commerce-messaging/allow-rabbitmq-cluster',
    'NetworkPolicy/e-commerce-messaging/allow-rabbitmq-clients',
    'NetworkPolicy/e-commerce-messaging/allow-rabbitmq-scraping',
    'NetworkPolicy/e-commerce-messaging/allow-minio-ingress',
    'NetworkPolicy/monitoring/allow-prometheus-egress',
    'NetworkPolicy/monitoring/allow-prometheus-ingress',
    'NetworkPolicy/monitoring/allow-grafana-egress',
    'ClusterIssuer/letsencrypt-prod',
  ])
    assert.ok(keys.includes(k), `${k} is listed`);
  // The flows: every one that fails as documented is delivered after; none breaks.
  assert.equal(d.summary.flowsBroken, 0);
  const fixedFlows = d.effects
    .filter((e) => e.layer === 'flow' && e.direction === 'fixed')
    .map((e) => e.subject);
  for (const name of [
    'customer login',
    'prometheus scraping',
    'product catalogue',
    'services publish and consume messages',
  ])
    assert.ok(
      fixedFlows.some((s) => s.startsWith(`flow "${name}"`)),
      `flow ${name} becomes delivered`,
    );
  // "internet → traefik 9100, rabbitmq 15672, minio 9001: allowed (should be denied)".
  const unexposed = d.effects
    .filter((e) => e.layer === 'exposure' && e.change === 'removed')
    .map((e) => e.subject);
  for (const s of [
    'internet → traefik/traefik 9100/TCP',
    'internet → e-commerce-messaging/rabbitmq-cluster 15672/TCP',
    'internet → e-commerce-messaging/minio 9001/TCP',
  ])
    assert.ok(unexposed.includes(s), `${s} is no longer exposed`);
  assert.equal(d.summary.newExposure, 0);
  // D15: the missing ClusterIssuer (tls-certificate-problem) is resolved; flow-blocked findings are resolved.
  const resolved = d.effects
    .filter((e) => e.layer === 'finding' && e.change === 'removed')
    .map((e) => e.subject);
  assert.ok(
    resolved.some((s) => s.startsWith('tls-certificate-problem')),
    'tls-certificate-problem resolved',
  );
  assert.ok(
    resolved.some((s) => s.startsWith('flow-blocked')),
    'flow-blocked resolved',
  );
  assert.equal(d.summary.newErrors, 0);
  // Posture: the namespaces the README says were open become zero-trust; traefik, the ingress controller, is
  // rated by what reaches it and stays reachable from the internet on purpose (partial, no longer open).
  assert.ok(
    d.effects.some(
      (e) =>
        e.layer === 'posture' &&
        e.subject === 'namespace traefik' &&
        e.before.startsWith('open') &&
        e.after.startsWith('partial (ingress from the internet'),
    ),
    'traefik: open → partial, ingress from the internet only',
  );
  for (const ns of ['e-commerce-messaging', 'monitoring'])
    assert.ok(
      d.effects.some(
        (e) => e.layer === 'posture' && e.subject === `namespace ${ns}` && e.after.startsWith('zero-trust'),
      ),
      `${ns} becomes zero-trust`,
    );
  // No DNS or Service change: fixed/ changes policies and adds an issuer only.
  assert.equal(d.effects.filter((e) => e.layer === 'dns' || e.layer === 'service').length, 0);
});

test('the reverse diff fails by default (broken flows, new errors) and --fail-on none exits 0', async () => {
  const rev = [
    'diff',
    '--base',
    'examples/e-commerce/fixed',
    '-f',
    'examples/e-commerce/as-documented',
    ...common,
  ];
  assert.equal((await runCli(rev)).code, 1);
  assert.equal((await runCli([...rev, '--fail-on', 'none'])).code, 0);
  assert.equal((await runCli([...args, ...common, '--fail-on', 'any-change'])).code, 1);
  assert.equal((await runCli([...args, ...common, '--fail-on', 'exposure'])).code, 0);
});

test('-o sarif holds the new findings only, at the after side lines', async () => {
  const rev = ['diff', '--base', 'examples/e-commerce/fixed', '-f', 'examples/e-commerce/as-documented'];
  const r = await runCli([...rev, '--at', '2026-01-01T00:00:00Z', '-o', 'sarif', '--fail-on', 'none']);
  assert.equal(r.code, 0, r.stderr);
  const results = (
    JSON.parse(r.stdout) as {
      runs: {
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
        }[];
      }[];
    }
  ).runs[0].results;
  assert.ok(results.length > 0);
  for (const res of results)
    for (const l of res.locations)
      assert.match(l.physicalLocation.artifactLocation.uri, /^examples\/e-commerce\/as-documented\//);
  assert.ok(results.some((x) => x.ruleId === 'tls-certificate-problem'));
});
