/** A small shop cluster for the diff tests: every layer the diff compares, in one YAML text per concern. */
import { buildFromTexts } from '../../api/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { analyseCluster } from '../../pipeline/index.ts';
import type { Flow } from '../flows/index.ts';
import type { DiffInput } from './_side.ts';
import { shopWebDeployment } from '../../../test/helpers/shop.ts';

export const shop: Readonly<Record<string, string>> = {
  'apps.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
${shopWebDeployment}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8000}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api-canary, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api-canary}}
  template:
    metadata: {labels: {app: api-canary}}
    spec: {containers: [{name: api, image: api, ports: [{containerPort: 8000}]}]}
`,
  'services.yaml': `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector:
    app: api
  ports: [{port: 80, targetPort: 8000}]
---
apiVersion: v1
kind: Service
metadata: {name: api-canary, namespace: shop}
spec: {selector: {app: api-canary}, ports: [{port: 80, targetPort: 8000}]}
`,
  'policies.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector: {matchLabels: {app: web}}
    ports:
    - port: 8000
`,
  'ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /api
        pathType: Prefix
        backend: {service: {name: api, port: {number: 80}}}
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
`,
  'gateway.yaml': `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gw}
spec: {controllerName: example.com/gw}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: shop}
spec:
  gatewayClassName: gw
  listeners: [{name: http, port: 80, protocol: HTTP}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: shop}
spec:
  parentRefs: [{name: public}]
  hostnames: [api.example.com]
  rules:
  - backendRefs:
    - {name: api, port: 80, weight: 90}
    - {name: api-canary, port: 80, weight: 10}
`,
  'coredns.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        rewrite name exact db.shop.example.com api.shop.svc.cluster.local
        kubernetes cluster.local in-addr.arpa ip6.arpa {
           pods insecure
           fallthrough in-addr.arpa ip6.arpa
        }
        forward . /etc/resolv.conf
        cache 30
    }
`,
};

/** The shop with one file's text replaced: `edit(text)` must change it (a test of a no-op edit proves nothing). */
export function edited(file: string, edit: (text: string) => string): Record<string, string> {
  const text = edit(shop[file]);
  if (text === shop[file]) throw new Error(`the edit of ${file} changed nothing`);
  return { ...shop, [file]: text };
}

/**
 * One side of a diff from YAML texts, through the same pipeline the CLI uses. Flow discovery is off: each layer's
 * scenario states exactly the flows it compares (the CLI discovers flows when none are declared, as `report` does).
 */
export function sideFrom(files: Readonly<Record<string, string>>, flows: readonly Flow[] = []): DiffInput {
  const texts = Object.entries(files).map(([file, text]) => ({ file, text }));
  const cluster = buildFromTexts(texts);
  return {
    analysed: analyseCluster(cluster, { flows, discover: false, now: '2026-01-01T00:00:00Z' }),
    objects: parseManifests(texts).objects,
  };
}
