/**
 * Ingress routing decisions per second under the ingress-nginx profile, with N Ingress paths (one Ingress per host,
 * ten paths each), every tenth path shadowed by a canary Ingress (weight 10, by header). Run:
 * node --import tsx bench/ingress-route.ts [1000 10000]
 */
import { buildFromTexts } from '../src/api/index.ts';
import { compileRouter, parseRequest } from '../src/analysis/route/index.ts';

function cluster(n: number, canaries: boolean): string {
  const docs = [
    'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: nginx}\nspec: {controller: k8s.io/ingress-nginx}\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n',
    'apiVersion: v1\nkind: Service\nmetadata: {name: next}\nspec: {selector: {app: next}, ports: [{port: 80}]}\n',
  ];
  const path = (p: string, svc: string) =>
    `{path: ${p}, pathType: Prefix, backend: {service: {name: ${svc}, port: {number: 80}}}}`;
  for (let h = 0; h < n / 10; h++) {
    const paths = Array.from({ length: 10 }, (_, j) => path(`/api/v${h * 10 + j}`, 'web'));
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i${h}}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: h${h}.example.com\n    http: {paths: [${paths.join(', ')}]}\n`,
    );
    if (canaries)
      docs.push(
        `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: c${h}\n  annotations: {nginx.ingress.kubernetes.io/canary: "true", nginx.ingress.kubernetes.io/canary-weight: "10", nginx.ingress.kubernetes.io/canary-by-header: x-canary}\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: h${h}.example.com\n    http: {paths: [${path(`/api/v${h * 10}`, 'next')}]}\n`,
      );
  }
  return docs.join('---\n');
}

function decisions(n: number, canaries: boolean): number {
  const { model } = buildFromTexts([{ file: 'bench.yaml', text: cluster(n, canaries) }]);
  const router = compileRouter(model, { via: { kind: 'ingress-class', name: 'nginx' } });
  if (typeof router === 'string') throw new Error(router);
  const reqs = Array.from(
    { length: 1000 },
    (_, i) =>
      parseRequest({
        url: `http://h${i % Math.max(1, n / 10)}.example.com/api/v${(i * 7) % n}/items`,
        headers: i % 3 ? [] : ['X-Canary: always'],
      }) as never,
  );
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) for (const r of reqs) if (router.decide(r).status > 0) count++;
  return Math.round(count / ((performance.now() - start) / 1000));
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes.length ? sizes : [1000, 10000])
  for (const canaries of [false, true])
    console.log(
      `ingress-nginx, ${n} Ingress paths${canaries ? `, ${n / 10} canaries` : ''}: ${decisions(n, canaries).toLocaleString('en-US')} decisions/s`,
    );
