/**
 * Routing decisions per second with the Layer-4 kinds present (issue 13): the route benchmark's cluster (1k and
 * 10k HTTPRoutes on one Gateway) plus a TLS passthrough listener with n/10 TLSRoutes and a TCP listener with a
 * TCPRoute. Measures HTTP decisions (must stay as fast as without the new kinds) and TLS/TCP connection
 * decisions, in process, median of 5 runs of 1 s. Run: node --import tsx bench/route-kinds.ts [--plain]
 * (`--plain`: the HTTP cluster only, the baseline).
 */
import { loadavg } from 'node:os';
import { buildFromTexts } from '../src/api/index.ts';
import { compileRouter, parseRequest } from '../src/analysis/route/index.ts';
import { routeCluster } from './_route-cluster.ts';

const plain = process.argv.includes('--plain');

function l4Cluster(n: number): string {
  const out = [
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: gc\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}\n  - {name: tcp, port: 5432, protocol: TCP}\n---\n`,
    `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata: {name: db}\nspec: {parentRefs: [{name: gw, sectionName: tcp}], rules: [{backendRefs: [{name: app, port: 80}]}]}\n---\n`,
  ];
  for (let i = 0; i < n / 10; i++)
    out.push(
      `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: t${i}}\nspec: {parentRefs: [{name: gw, sectionName: tls}], hostnames: [t${i}.example.com], rules: [{backendRefs: [{name: app, port: 80}]}]}\n---\n`,
    );
  // The route cluster's Gateway is replaced by the one with the Layer-4 listeners.
  return (
    routeCluster(n).replace(/kind: Gateway\nmetadata: \{name: gw\}\nspec:\n[^-]*---\n/, '') + out.join('')
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function rate(fn: () => void, batch: number): number {
  const runs: number[] = [];
  for (let k = 0; k < 5; k++) {
    let count = 0;
    const start = performance.now();
    while (performance.now() - start < 1000) {
      fn();
      count += batch;
    }
    runs.push(Math.round(count / ((performance.now() - start) / 1000)));
  }
  return median(runs);
}

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
    `${n} HTTPRoutes${plain ? '' : ` + ${n / 10} TLSRoutes + 1 TCPRoute`}: HTTP ${http.toLocaleString('en')}/s`,
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
    line.push(`TLS (SNI) ${tls.toLocaleString('en')}/s`, `TCP ${tcp.toLocaleString('en')}/s`);
  }
  console.log(`${line.join(', ')} (load ${loadavg()[0].toFixed(2)})`);
}
