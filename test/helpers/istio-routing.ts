/**
 * The Istio routing fixture shared by the mesh routing tests: a meshed `shop` namespace (backend v1/v2 behind
 * Service backend, a TCP Service db, clients web and canary-web), an unmeshed `outside/plain`, a DestinationRule
 * with subsets v1 and v2; `routeWith` asks the mesh where one request from a client goes.
 */
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../src/api/index.ts';
import { clientPod, compileMesh, type MeshDecision } from '../../src/analysis/mesh/index.ts';

const app = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: outside}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: shop}
spec: {selector: {app: backend}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {selector: {app: db}, ports: [{name: tcp-postgres, port: 5432}]}
${['v1', 'v2']
  .map(
    (v) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend-${v}, namespace: shop}
spec:
  selector: {matchLabels: {app: backend, version: ${v}}}
  template:
    metadata: {labels: {app: backend, version: ${v}}}
    spec: {containers: [{name: app, image: x, ports: [{containerPort: 8080}]}]}
`,
  )
  .join('')}---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: canary-web, namespace: shop, labels: {app: web, track: canary}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: outside}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend, namespace: shop}
spec:
  host: backend
  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;
const profile = {
  file: 'kubetwin.yaml',
  text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio}\n',
};

/** The fixture's manifests and profile, for tests that build the model themselves (doctor, reach). */
export const routingFixture = { text: app, profile };

export function routeWith(
  vs: string,
  from: string,
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
) {
  const { model, diagnostics } = buildFromTexts(
    [
      { file: 'app.yaml', text: app },
      { file: 'vs.yaml', text: vs },
    ],
    { profile },
  );
  const u = new URL(url);
  const host = u.hostname;
  const pod = clientPod(model, from);
  assert.ok(typeof pod !== 'string', String(pod));
  const d = compileMesh(model).route(
    {
      scheme: 'http',
      host,
      port: Number(u.port || 80),
      path: u.pathname,
      query: [...u.searchParams.entries()],
      method,
      headers: { ...headers, host },
    },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return { d: d as MeshDecision, diagnostics };
}

export const vs = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: backend, namespace: shop}
spec:
  hosts: [backend]
  http:
${http}`;
export const toV = (v: string) => `    route: [{destination: {host: backend, subset: ${v}}}]`;
