/**
 * Routing decisions per second with the newer kinds present (issue 13): the route benchmark's cluster (1k and
 * 10k HTTPRoutes on one Gateway) plus a TLS passthrough listener with n/10 TLSRoutes, a TCP listener with a
 * TCPRoute, and n/100 ListenerSets (GEP-1713, admitted by `allowedListeners: Same`), each with one HTTP listener
 * of its own hostname and 10 HTTPRoutes attached to it. Measures HTTP decisions on the Gateway's listener (must stay
 * as fast as without the new kinds), HTTP decisions on ListenerSet listeners, and TLS/TCP connection decisions, in
 * process, median of 5 runs of 1 s, with the CPU time of each measurement (process.cpuUsage, so a loaded machine
 * still compares). Run: node --import tsx bench/route-kinds.ts [--plain] (`--plain`: the HTTP cluster only, the
 * baseline).
 */
import { loadavg } from 'node:os';
import { buildFromTexts } from '../src/api/index.ts';
import { compileRouter, parseRequest } from '../src/analysis/route/index.ts';
import { routeCluster } from './_route-cluster.ts';

const plain = process.argv.includes('--plain');

function l4Cluster(n: number): string {
  const out = [
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: gc\n  allowedListeners: {namespaces: {from: Same}}\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}\n  - {name: tcp, port: 5432, protocol: TCP}\n---\n`,
    `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata: {name: db}\nspec: {parentRefs: [{name: gw, sectionName: tcp}], rules: [{backendRefs: [{name: app, port: 80}]}]}\n---\n`,
  ];
  for (let i = 0; i < n / 10; i++)
    out.push(
      `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: t${i}}\nspec: {parentRefs: [{name: gw, sectionName: tls}], hostnames: [t${i}.example.com], rules: [{backendRefs: [{name: app, port: 80}]}]}\n---\n`,
    );
  for (let j = 0; j < n / 100; j++) {
    out.push(
      `apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: ls${j}}\nspec:\n  parentRef: {name: gw}\n  listeners: [{name: http, port: 80, protocol: HTTP, hostname: ls${j}.example.com}]\n---\n`,
    );
    for (let k = 0; k < 10; k++)
      out.push(
        `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: ls${j}-r${k}}\nspec:\n  parentRefs: [{name: ls${j}, kind: ListenerSet, group: gateway.networking.k8s.io}]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /team/v${k}}}]\n    backendRefs: [{name: app, port: 80}]\n---\n`,
      );
  }
  // The route cluster's Gateway (its apiVersion line too, else the next document is broken) is replaced by this one.
  return (
    routeCluster(n).replace(
      /apiVersion: [^\n]*\nkind: Gateway\nmetadata: \{name: gw\}\nspec:\n[^-]*---\n/,
      '',
    ) + out.join('')
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Decisions per second (median of 5 runs of 1 s), the CPU milliseconds the 5 runs took, and decisions per CPU second
 * (all 5 runs' decisions over their CPU time: the figure that still compares on a loaded machine).
 */
function rate(fn: () => void, batch: number): { perSecond: number; cpuMs: number; perCpuSecond: number } {
  const runs: number[] = [];
  let total = 0;
  const cpu = process.cpuUsage();
  for (let k = 0; k < 5; k++) {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < 1000) {
      fn();
      count += batch;
    }
    total += count;
    runs.push(Math.round(count / ((performance.now() - start) / 1000)));
  }
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  return {
    perSecond: median(runs),
    cpuMs: Math.round(cpuMs),
    perCpuSecond: Math.round(total / (cpuMs / 1000)),
  };
}
const fmt = (r: { perSecond: number; cpuMs: number; perCpuSecond: number }) =>
  `${r.perSecond.toLocaleString('en')}/s (${r.perCpuSecond.toLocaleString('en')} per CPU second, CPU ${r.cpuMs} ms)`;

for (const n of [1000, 10000]) {
  const { model } = buildFromTexts([{ file: 'bench.yaml', text: plain ? routeCluster(n) : l4Cluster(n) }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof router === 'string') throw new Error(router);
  const reqs = Array.from(
    { length: 1000 },
    (_, i) =>
      parseRequest({
        url: `http://h${i % Math.max(1, n / 10)}.example.com/api/v${(i * 7) % n}/items`,
      }) as never,
  );
  const http = rate(() => {
    for (const r of reqs) if (router.decide(r).status <= 0) throw new Error('no decision');
  }, reqs.length);
  const line = [
    `${n} HTTPRoutes${plain ? '' : ` + ${n / 10} TLSRoutes + 1 TCPRoute + ${n / 100} ListenerSets (${n / 10} HTTPRoutes)`}: HTTP ${fmt(http)}`,
  ];
  if (!plain) {
    const conns = Array.from({ length: 1000 }, (_, i) => ({
      protocol: 'tls' as const,
      port: 443,
      sni: `t${(i * 7) % (n / 10)}.example.com`,
    }));
    const tls = rate(() => {
      for (const c of conns) if (!router.decideConnection(c).winner) throw new Error('no TLSRoute');
    }, conns.length);
    const tcp = rate(() => {
      for (let i = 0; i < 1000; i++)
        if (!router.decideConnection({ protocol: 'tcp', port: 5432 }).winner) throw new Error('no TCPRoute');
    }, 1000);
    const lsReqs = Array.from(
      { length: 1000 },
      (_, i) => parseRequest({ url: `http://ls${i % (n / 100)}.example.com/team/v${i % 10}/x` }) as never,
    );
    const onSets = rate(() => {
      for (const r of lsReqs)
        if (router.decide(r).status !== 200)
          throw new Error(`no ListenerSet route: ${JSON.stringify(router.explain(r).decision.notes)}`);
    }, lsReqs.length);
    line.push(`HTTP on ListenerSet listeners ${fmt(onSets)}`, `TLS (SNI) ${fmt(tls)}`, `TCP ${fmt(tcp)}`);
  }
  console.log(`${line.join(', ')} (load ${loadavg()[0].toFixed(2)})`);
}
