/**
 * examples/e-commerce/as-deployed.yaml is fixed/ as `kubectl get -A -o yaml` dumps it from a cluster (other
 * address ranges, no profile). Every answer kubetwin gives on it must equal the answer on fixed/, up to addresses:
 * reachability between every pair of workloads on every port, every Service name's DNS answer, the example's
 * routes; and each pod must exist once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFromTexts, type ClusterModel } from '../src/api/index.ts';
import { PolicyEngine } from '../src/analysis/policy/index.ts';
import { reach } from '../src/analysis/reach/index.ts';
import { createDns } from '../src/analysis/dns/index.ts';
import { run } from '../src/cli/program.ts';

const fixedDir = 'examples/e-commerce/fixed';
const dumpFile = 'examples/e-commerce/as-deployed.yaml';

const fixed = buildFromTexts(
  readdirSync(fixedDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: join(fixedDir, f), text: readFileSync(join(fixedDir, f), 'utf8') })),
);
const dumped = buildFromTexts([{ file: dumpFile, text: readFileSync(dumpFile, 'utf8') }]);

/** fixed/ address → as-deployed address, from the objects both models hold under the same key. */
function addressMap(a: ClusterModel, b: ClusterModel): Map<string, string> {
  const out = new Map<string, string>();
  const pair = (x: readonly (string | undefined)[], y: readonly (string | undefined)[]) =>
    x.forEach((ip, i) => ip && y[i] && out.set(ip, y[i]!));
  const podsB = new Map(b.pods.map((p) => [p.key, p]));
  for (const p of a.pods) pair(p.ips, podsB.get(p.key)?.ips ?? []);
  const svcB = new Map(b.services.map((s) => [s.key, s]));
  for (const s of a.services) pair(s.clusterIPs, svcB.get(s.key)?.clusterIPs ?? []);
  const nodeB = new Map(b.nodes.map((n) => [n.key, n]));
  for (const n of a.nodes) pair([n.internalIP], [nodeB.get(n.key)?.internalIP]);
  return out;
}
const moved = addressMap(fixed.model, dumped.model);
const move = (text: string) => text.replace(/\b\d+\.\d+\.\d+\.\d+\b/g, (ip) => moved.get(ip) ?? ip);

test('as-deployed: the dump builds without errors, its profile inferred (no kubetwin.yaml)', () => {
  const errors = dumped.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => `${d.code}: ${d.message}`),
    [],
  );
  assert.equal(dumped.model.profile.serviceCIDR, '10.43.0.0/16');
  assert.match(dumped.model.profile.podCIDR, /^10\.42\./);
});

test('as-deployed: each pod appears once, the same pods as fixed/ (plus the calico-node agents)', () => {
  const keys = dumped.model.pods.map((p) => p.key);
  assert.equal(new Set(keys).size, keys.length);
  const fixedKeys = fixed.model.pods.map((p) => p.key);
  assert.deepEqual(
    keys.filter((k) => !fixedKeys.includes(k)).map((k) => k.replace(/-[a-z0-9]{5}$/, '')),
    ['Pod/kube-system/calico-node', 'Pod/kube-system/calico-node', 'Pod/kube-system/calico-node'],
  );
  assert.deepEqual(
    fixedKeys.filter((k) => !keys.includes(k)),
    [],
  );
  const stateOf = (m: ClusterModel) =>
    m.pods
      .filter((p) => fixedKeys.includes(p.key))
      .map((p) => [p.key, p.owner, p.nodeName, p.phase, p.ready, p.ips.length]);
  assert.deepEqual(stateOf(dumped.model), stateOf(fixed.model));
  assert.deepEqual(
    dumped.model.workloads
      .filter((w) => w.namespace !== 'kube-system')
      .map((w) => [w.key, [...w.podKeys].sort()]),
    fixed.model.workloads
      .filter((w) => w.namespace !== 'kube-system')
      .map((w) => [w.key, [...w.podKeys].sort()]),
  );
});

test('as-deployed: reach between every pair of workloads on every declared port equals fixed/', () => {
  const engines = [new PolicyEngine(fixed.model), new PolicyEngine(dumped.model)];
  const podsByKey = new Map(fixed.model.pods.map((p) => [p.key, p]));
  let asked = 0;
  for (const to of fixed.model.workloads) {
    const ports = new Map<string, { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>();
    for (const k of to.podKeys)
      for (const p of podsByKey.get(k)?.ports ?? [])
        ports.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol });
    for (const from of fixed.model.workloads)
      for (const { port, protocol } of ports.values()) {
        const query = {
          from: `${from.namespace}/${from.name}`,
          to: `${to.namespace}/${to.name}`,
          port,
          protocol,
        };
        const [a, b] = engines.map((e) => reach(e, query));
        const summary = (r: typeof a) =>
          typeof r === 'string'
            ? r
            : [r.outcome, r.allowedPairs, r.pairs.map((p) => `${p.from}>${p.to}:${p.allowed}`).join(',')];
        assert.deepEqual(summary(b), summary(a), `${query.from} -> ${query.to}:${port}/${protocol}`);
        asked++;
      }
  }
  assert.ok(asked > 1000, `${asked} questions`);
});

test('as-deployed: the DNS answer for every Service name equals fixed/, up to addresses', () => {
  const dns = [createDns(fixed.model), createDns(dumped.model)];
  for (const s of fixed.model.services)
    for (const type of ['A', 'SRV']) {
      const name = `${s.name}.${s.namespace}.svc.cluster.local`;
      const [a, b] = dns.map((d) => d.answer({ name, type }));
      const records = (r: typeof a) => r.answer.map((rr) => JSON.stringify(rr)).sort();
      assert.equal(b.rcode, a.rcode, name);
      assert.deepEqual(records(b), records(a).map(move), `${type} ${name}`);
    }
});

test("as-deployed: routes of the example's hosts through Traefik equal fixed/, up to addresses", async () => {
  const route = async (input: string, url: string, method: string) => {
    let out = '';
    await run(['route', '-q', '-f', input, '--via', 'ingress-class:traefik', '-X', method, url], {
      stdout: (s) => (out += s),
      stderr: () => undefined,
      readStdin: async () => '',
    });
    return out;
  };
  for (const url of [
    'https://api.yourdomain.com/auth/login',
    'http://api.yourdomain.com/products',
    'https://api.yourdomain.com/',
    'https://unknown.example.com/',
  ])
    for (const method of ['GET', 'POST'])
      assert.equal(await route(dumpFile, url, method), move(await route(fixedDir, url, method)), url);
});
