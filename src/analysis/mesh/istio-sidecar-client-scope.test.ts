/**
 * The client's Istio `Sidecar` in the answers that assume a Service (matrix, doctor) and for servers without the
 * proxy: a meshed client whose Sidecar imports none of the server's Services has no cluster for them, so its proxy
 * sends the connection through the PassthroughCluster without mTLS (a STRICT server refuses it; istio/istio#41978),
 * or, under REGISTRY_ONLY, to the BlackHoleCluster (reset, whatever the server).
 * https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy
 * https://istio.io/latest/docs/concepts/security/#auto-mutual-tls
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { computeMatrix, matrixEntries } from '../matrix/index.ts';
import { reach } from '../reach/index.ts';
import { runDoctor } from '../doctor/index.ts';

const app = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: apis, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Namespace
metadata: {name: legacy}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: admin, namespace: shop, labels: {app: admin}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: pay, namespace: apis, labels: {app: pay}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: pay, namespace: apis}
spec: {selector: {app: pay}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: old, namespace: legacy, labels: {app: old}}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: old, namespace: legacy}
spec: {selector: {app: old}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: shop}
spec:
  egress:
  - hosts: ["./*", "istio-system/*"]
`;

const strict = `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: apis}
spec: {mtls: {mode: STRICT}}
`;

/** A Sidecar for admin only that imports apis/ (a workloadSelector Sidecar wins over the namespace default). */
const adminImportsApis = `---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: admin, namespace: shop}
spec:
  workloadSelector: {labels: {app: admin}}
  egress:
  - hosts: ["./*", "apis/*"]
`;

/** A second Service of pay, which a Sidecar for web imports while it leaves pay out. */
const payAlias = `---
apiVersion: v1
kind: Service
metadata: {name: pay-internal, namespace: apis}
spec: {selector: {app: pay}, ports: [{name: http, port: 8080}]}
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: web, namespace: shop}
spec:
  workloadSelector: {labels: {app: web}}
  egress:
  - hosts: ["./*", "apis/pay-internal.apis.svc.cluster.local"]
`;

function engineFor(extra: string, policy?: string) {
  const profile = {
    file: 'kubetwin.yaml',
    text: `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: istio${policy ? `, outboundTrafficPolicy: ${policy}` : ''}}\n`,
  };
  const { model } = buildFromTexts(
    [
      { file: 'app.yaml', text: app },
      { file: 'extra.yaml', text: extra },
    ],
    { profile },
  );
  return new PolicyEngine(model);
}

/** `from -> to:port` cells of the workload matrix over shop, apis and legacy, with their allowed pairs. */
function cells(engine: PolicyEngine): Map<string, number> {
  const m = computeMatrix(engine, { by: 'workload', namespaces: ['shop', 'apis', 'legacy'] });
  return new Map(
    matrixEntries(m, { denied: true }).map((e) => [`${e.from} -> ${e.to}:${e.port}`, e.allowedPairs]),
  );
}

test("rule sidecar-passthrough-no-mtls: the matrix refuses a meshed client whose Sidecar imports none of the STRICT server's Services", () => {
  const c = cells(engineFor(strict));
  assert.equal(c.get('shop/web -> apis/pay:8080'), 0);
  assert.equal(c.get('shop/admin -> apis/pay:8080'), 0);
});

test('rule sidecar-passthrough-no-mtls: a client whose own Sidecar imports the server keeps mTLS (the Sidecar keys the client, not only its identity)', () => {
  const c = cells(engineFor(strict + adminImportsApis));
  assert.equal(c.get('shop/web -> apis/pay:8080'), 0);
  assert.equal(c.get('shop/admin -> apis/pay:8080'), 1);
});

test("rule sidecar-passthrough-no-mtls: importing one of the server's Services is enough for the matrix (the client reaches it through that one)", () => {
  const c = cells(engineFor(strict + payAlias));
  assert.equal(c.get('shop/web -> apis/pay:8080'), 1);
  assert.equal(c.get('shop/admin -> apis/pay:8080'), 0);
});

test('rule sidecar-passthrough-no-mtls: PERMISSIVE accepts the passthrough plaintext', () => {
  const c = cells(engineFor(strict.replace('STRICT', 'PERMISSIVE')));
  assert.equal(c.get('shop/web -> apis/pay:8080'), 1);
});

test('rule sidecar-registry-only-blackhole: reach and the matrix refuse a Service the Sidecar leaves out, also to a server without the proxy', () => {
  const engine = engineFor('', 'REGISTRY_ONLY');
  const r = reach(engine, { from: 'shop/web', to: 'service:legacy/old', port: 80, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  assert.equal(r.verdict, 'denied');
  assert.match(r.pairs[0].mesh!.summary, /refused by the client's own sidecar: .*BlackHoleCluster/);
  assert.equal(cells(engine).get('shop/web -> legacy/old:8080'), 0);
  // ALLOW_ANY passes it through to the server without the proxy.
  assert.equal(cells(engineFor('')).get('shop/web -> legacy/old:8080'), 1);
});

test('rule sidecar-passthrough-no-mtls: doctor mesh-strict-plaintext-clients names meshed clients whose Sidecar leaves the server out', () => {
  const f = runDoctor(engineFor(strict + adminImportsApis).model).filter(
    (x) => x.code === 'mesh-strict-plaintext-clients',
  );
  assert.equal(f.length, 1);
  assert.match(
    f[0].message,
    /apis\/pay port 8080 is STRICT .* 2 workload\(s\) may connect in plaintext: legacy\/old \(no istio proxy\); shop\/web \(meshed, but Sidecar shop\/default/,
  );
  assert.doesNotMatch(f[0].message, /shop\/admin/);
  assert.match(f[0].fix ?? '', /import apis\/pay in the client's Sidecar/);
});
