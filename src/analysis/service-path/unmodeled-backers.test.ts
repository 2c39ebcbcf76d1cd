/**
 * A workload of a kind kubetwin does not model (OpenKruise's CloneSet here) runs pods from its `spec.template`; the
 * EndpointSlice controller selects pods by label whoever made them, so a Service whose selector the template
 * satisfies has endpoints the model does not hold: reach says unknown instead of "no ready endpoints", and doctor
 * does not call the selector wrong.
 * https://kubernetes.io/docs/concepts/services-networking/service/#services-in-kubernetes,
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-template-v1/#PodTemplateSpec
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach } from '../reach/index.ts';
import { runDoctor } from '../doctor/index.ts';
import { createTraceContext, trace } from '../trace/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { servicePathUnknown } from './index.ts';

const cloneSet = (labels = '{app: sample}', ns = 'default') => `apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata: {name: sample, namespace: ${ns}}
spec:
  replicas: 3
  selector: {matchLabels: ${labels}}
  template:
    metadata: {labels: ${labels}}
    spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}
---
`;
const rest = `apiVersion: v1
kind: Service
metadata: {name: sample, namespace: default}
spec: {selector: {app: sample}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default}
spec: {containers: [{name: c, image: curl}]}
`;

function ask(text: string) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const r = reach(new PolicyEngine(model), {
    from: 'default/client',
    to: 'service:default/sample',
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return { r, doctor: runDoctor(model).map((f) => f.code) };
}

test('rule unmodeled-workload-backs-service: a Service whose selector an unmodeled kind’s pod template satisfies answers unknown, naming the object', () => {
  const { r, doctor } = ask(cloneSet() + rest);
  assert.equal(r.verdict, 'unknown');
  assert.ok(
    r.unknownReasons.some((x) =>
      /CloneSet \(apps\.kruise\.io\/v1alpha1\) default\/sample, a kind kubetwin does not model/.test(x),
    ),
    r.unknownReasons.join('\n'),
  );
  assert.ok(!doctor.includes('service-selects-no-pods'));
});

test('rule unmodeled-workload-backs-service: a template the selector does not match, or in another namespace, changes nothing', () => {
  for (const text of [cloneSet('{app: other}') + rest, cloneSet('{app: sample}', 'elsewhere') + rest, rest]) {
    const { r, doctor } = ask(text);
    assert.equal(r.verdict, 'denied');
    assert.deepEqual(r.unknownReasons, []);
    assert.ok(doctor.includes('service-selects-no-pods'));
  }
});

test('rule unmodeled-workload-backs-service: trace and endpoints through such a Service say unknown, and trace’s fix is to add the pods, not to change the selector', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: cloneSet() + rest }]);
  const to = parseFlowTarget('http://sample.default/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'client' }, to);
  assert.ok(
    t.unknown?.some((u) => /CloneSet/.test(u)),
    JSON.stringify(t.unknown),
  );
  assert.match(t.fix?.summary ?? '', /add the pods of CloneSet default\/sample to the input/);
  const svc = model.services.find((s) => s.name === 'sample')!;
  assert.match(servicePathUnknown(model, svc) ?? '', /CloneSet/);
});
