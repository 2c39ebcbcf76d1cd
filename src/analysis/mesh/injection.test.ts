/**
 * Sidecar injection as the injectors decide it.
 * Istio: https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 * Linkerd: https://linkerd.io/2.15/features/proxy-injection/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh } from './index.ts';

const profile = (mesh: string) => ({
  file: 'kubetwin.yaml',
  text: `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: ${mesh}}\n`,
});

function meshed(
  mesh: string,
  nsMeta: string,
  podMeta: string,
  extra = '',
): { meshed: boolean; reason: string } {
  const text = `apiVersion: v1
kind: Namespace
metadata: {name: shop, ${nsMeta}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: shop, ${podMeta}}
spec: {${extra}containers: [{name: c, image: x}]}
`;
  const { model } = buildFromTexts([{ file: 'in.yaml', text }], { profile: profile(mesh) });
  const pod = model.pods.find((p) => p.name === 'p')!;
  return compileMesh(model).sidecar(pod);
}

test('Istio injection: a disabling label on either the namespace or the pod wins over an enabling one', () => {
  const rows: [string, string, boolean][] = [
    ['labels: {istio-injection: enabled}', 'labels: {}', true],
    ['labels: {istio-injection: enabled}', 'labels: {sidecar.istio.io/inject: "false"}', false],
    ['labels: {istio-injection: disabled}', 'labels: {sidecar.istio.io/inject: "true"}', false],
    ['labels: {}', 'labels: {sidecar.istio.io/inject: "true"}', true],
    ['labels: {}', 'labels: {}', false],
    ['labels: {istio.io/rev: canary}', 'labels: {}', true],
    ['labels: {istio-injection: disabled, istio.io/rev: canary}', 'labels: {}', false],
    ['labels: {istio-injection: enabled}', 'annotations: {sidecar.istio.io/inject: "false"}', false],
  ];
  for (const [ns, pod, want] of rows) assert.equal(meshed('istio', ns, pod).meshed, want, `${ns} / ${pod}`);
});

test('Istio injection: hostNetwork pods and kube-system are never injected', () => {
  assert.equal(
    meshed('istio', 'labels: {istio-injection: enabled}', 'labels: {}', 'hostNetwork: true, ').meshed,
    false,
  );
});

test('Linkerd injection: the pod annotation wins over the namespace, disabled opts a pod out', () => {
  const rows: [string, string, boolean][] = [
    ['annotations: {linkerd.io/inject: enabled}', 'labels: {}', true],
    ['annotations: {linkerd.io/inject: enabled}', 'annotations: {linkerd.io/inject: disabled}', false],
    ['annotations: {}', 'annotations: {linkerd.io/inject: enabled}', true],
    ['annotations: {linkerd.io/inject: disabled}', 'annotations: {linkerd.io/inject: ingress}', true],
    ['labels: {istio-injection: enabled}', 'labels: {}', false],
  ];
  for (const [ns, pod, want] of rows) assert.equal(meshed('linkerd', ns, pod).meshed, want, `${ns} / ${pod}`);
});

test('the mesh is detected from its control plane, with a note', () => {
  const text = `apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istiod}}
  template: {metadata: {labels: {app: istiod}}, spec: {containers: [{name: discovery, image: x}]}}
`;
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.equal(model.mesh?.name, 'istio');
  assert.equal(model.mesh?.detectedFrom, 'Deployment/istio-system/istiod');
  assert.ok(diagnostics.some((d) => d.code === 'mesh-detected' && d.source?.line === 1));
});

test('a profile mesh name that is not istio or linkerd is an invalid-profile diagnostic', () => {
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text: '' }], {
    profile: profile('consul'),
  });
  assert.equal(model.mesh?.name, undefined);
  assert.ok(diagnostics.some((d) => d.code === 'invalid-profile' && d.message.includes('mesh.name')));
});
