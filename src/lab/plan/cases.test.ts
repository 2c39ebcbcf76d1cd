import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../../analysis/policy/index.ts';
import { dnsCases, getentAddresses, judgeService, planLab, serviceCases, type ServiceCase } from './index.ts';

const small = () => {
  const text = readFileSync(new URL('../../../testdata/lab/small.yaml', import.meta.url), 'utf8');
  const model = buildFromTexts([{ file: 'small.yaml', text }]).model;
  return { model, plan: planLab(model), engine: new PolicyEngine(model) };
};

const svcCase = (model: ServiceCase['model'], admitted: string[]): ServiceCase => ({
  from: 'a/x',
  fromNetns: 'kt-p0',
  to: 'service:a/s',
  ip: '10.96.0.1',
  port: 80,
  protocol: 'TCP',
  kind: 'http',
  model,
  endpoints: ['a/e1', 'a/e2'],
  admitted,
});

test('service probe: an answer from an endpoint the policies admit agrees; from one they deny does not', () => {
  assert.equal(judgeService(svcCase('allow', ['a/e1', 'a/e2']), 'open', 'a/e1').agree, true);
  assert.equal(judgeService(svcCase('partial', ['a/e1']), 'open', 'a/e2').agree, false);
  assert.equal(judgeService(svcCase('partial', ['a/e1']), 'rejected', undefined).agree, true);
  assert.equal(judgeService(svcCase('allow', ['a/e1', 'a/e2']), 'open', 'b/other').agree, false);
  assert.equal(judgeService(svcCase('deny', []), 'open', 'a/e1').agree, false);
});

test("service probe: kube-proxy's reject is no-endpoint, a Local policy's drop is a timeout", () => {
  assert.deepEqual(judgeService(svcCase('no-endpoint', []), 'refused', undefined), {
    lab: 'no-endpoint',
    agree: true,
  });
  assert.equal(judgeService(svcCase('allow', ['a/e1', 'a/e2']), 'refused', undefined).agree, false);
  assert.equal(judgeService(svcCase('dropped', []), 'timeout', undefined).agree, true);
});

test('service cases: the endpoints servicePath picks, the policy verdict per endpoint, hairpin left out', () => {
  const { model, plan, engine } = small();
  const { cases, skipped } = serviceCases(model, plan, engine);
  const fromProbe = cases.find((c) => c.from === 'ops/probe' && c.to === 'service:shop/web')!;
  assert.deepEqual(fromProbe.endpoints, ['shop/web']);
  // The AdminNetworkPolicy admits ops to shop on 8080, the targetPort the Service's port 80 resolves to.
  assert.equal(fromProbe.model, 'allow');
  assert.deepEqual(fromProbe.admitted, ['shop/web']);
  assert.equal(fromProbe.kind, 'http');
  assert.ok(!cases.some((c) => c.from === 'shop/web' && c.to === 'service:shop/web'));
  assert.ok(skipped.some((s) => /hairpin/.test(s)));
});

test('dns cases: names from each pod with the answer resolve gives; not found when the name does not exist', () => {
  const { model, plan, engine } = small();
  const svc = serviceCases(model, plan, engine).cases;
  const { cases } = dnsCases(model, plan, svc);
  const probe = cases.filter((c) => c.from === 'ops/probe');
  assert.ok(probe.length >= 3);
  assert.deepEqual(probe.find((c) => c.name === 'probe')?.addresses, [
    plan.pods.find((p) => p.ref === 'ops/probe')!.ip,
  ]);
  assert.deepEqual(probe.find((c) => c.name.startsWith('kubetwin-no-such-name'))?.addresses, []);
  const web = model.services.find((s) => s.name === 'web')!;
  const named = probe.find((c) => c.name.startsWith('web.shop'));
  if (named) assert.deepEqual(named.addresses, [web.clusterIPs[0]]);
});

test('getent ahostsv4 output: the addresses, once each, sorted', () => {
  assert.deepEqual(
    getentAddresses(
      '10.96.0.20      STREAM web.shop.svc.cluster.local\n10.96.0.20      DGRAM  \n10.96.0.3 RAW\n',
    ),
    ['10.96.0.20', '10.96.0.3'],
  );
  assert.deepEqual(getentAddresses(undefined), []);
});
