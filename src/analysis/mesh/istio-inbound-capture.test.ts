/**
 * Rule istio-inbound-capture-annotations: the injector passes `traffic.sidecar.istio.io/includeInboundPorts`
 * (default `*`) and `excludeInboundPorts` to istio-iptables (istio/istio
 * `manifests/charts/istio-control/istio-discovery/files/injection-template.yaml`, flags `-b` and `-d`); a port the
 * sidecar does not capture reaches the application directly, so neither PeerAuthentication nor AuthorizationPolicy
 * judges it (https://istio.io/latest/docs/reference/config/annotations/). kubetwin judged every port of an injected
 * pod: the ingress-nginx controller whose inbound capture is off was DENIED to the load balancer's plaintext under
 * mesh-wide STRICT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh } from './index.ts';

const dir = 'testdata/scenarios/mesh-ingress-controller-proxy';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

/** The Istio inbound verdict at the controller pod's `port` for a client outside the mesh. */
function atController(port: number, annotations?: string) {
  let controller = readFileSync(`${dir}/variants/controller-sidecar.yaml`, 'utf8');
  if (annotations)
    controller = controller.replace(
      /(sidecar\.istio\.io\/inject: "true"\}\n)/,
      `$1      annotations: {${annotations}}\n`,
    );
  const { model } = buildFromTexts(
    [
      read(`${dir}/input/ingress-nginx.yaml`),
      read(`${dir}/input/peer-authentication-strict.yaml`),
      { file: 'controller.yaml', text: controller },
    ],
    { profile: read(`${dir}/input/kubetwin.yaml`) },
  );
  const server = model.pods.find((p) => p.namespace === 'ingress-nginx');
  assert.ok(server);
  return compileMesh(model).inbound({ client: { ip: '203.0.113.7' }, server, port, protocol: 'TCP' });
}

test('istio-inbound-capture-annotations: STRICT refuses plaintext on a captured port', () => {
  const v = atController(80);
  assert.equal(v?.allowed, false);
  assert.equal(v?.mtls.refused, true);
});

test('istio-inbound-capture-annotations: an empty includeInboundPorts leaves every port to the application', () => {
  assert.equal(atController(80, 'traffic.sidecar.istio.io/includeInboundPorts: ""'), undefined);
  assert.equal(atController(443, 'traffic.sidecar.istio.io/includeInboundPorts: ""'), undefined);
});

test('istio-inbound-capture-annotations: includeInboundPorts captures only the ports it lists', () => {
  const only443 = 'traffic.sidecar.istio.io/includeInboundPorts: "443"';
  assert.equal(atController(80, only443), undefined);
  assert.equal(atController(443, only443)?.mtls.refused, true);
});

test('istio-inbound-capture-annotations: excludeInboundPorts leaves its ports out of the default capture', () => {
  const exclude = 'traffic.sidecar.istio.io/excludeInboundPorts: "80, 8443"';
  assert.equal(atController(80, exclude), undefined);
  assert.equal(atController(443, exclude)?.mtls.refused, true);
  // Under an explicit list the exclusions are not read (istio-iptables reads -d only with -b "*").
  const both =
    'traffic.sidecar.istio.io/includeInboundPorts: "80", traffic.sidecar.istio.io/excludeInboundPorts: "80"';
  assert.equal(atController(80, both)?.mtls.refused, true);
});

test('istio-inbound-capture-annotations: an entry that is not a port makes the refusal unknown', () => {
  const v = atController(80, 'traffic.sidecar.istio.io/excludeInboundPorts: "http"');
  assert.equal(v?.mtls.refused, true);
  assert.match(v?.unknown.join('\n') ?? '', /excludeInboundPorts: "http" holds "http"/);
});
