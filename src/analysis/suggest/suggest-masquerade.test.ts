/**
 * suggest admits, for a client outside reaching a node port with externalTrafficPolicy Cluster, every address
 * kube-proxy's masquerade can give it (service-path `masqueradeSources`): beside `0.0.0.0/0 except <pod CIDR>`, the
 * node devices' addresses inside the pod range (flannel's `flannel.1`), each under a comment saying why; its proof
 * then holds for each of them, and a trace left unknown is not counted as delivered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget, type Flow } from '../flows/index.ts';
import { renderPoliciesYaml } from '../../render/policies-yaml.ts';
import { createTraceContext, traceFlow } from '../trace/index.ts';
import { suggestPolicies } from './index.ts';
import { toModel } from './_policies.ts';
import { calicoIpipNodes, cniProfile, nodePortApp } from '../service-path/_test-masquerade.ts';

const yaml = nodePortApp(undefined);

/** The one flow these tests ask about: the internet to node-1's node port 30080. */
function internetToNodePort(): Flow[] {
  const to = parseFlowTarget('ip:10.0.0.11:30080', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  return [
    {
      name: 'outside',
      origin: 'flows-file',
      steps: [{ from: { kind: 'internet' }, to, text: 'internet → web' }],
    },
  ];
}
const flannel = cniProfile('flannel');

test('kube-proxy masquerade source — suggest admits the flannel.1 address beside the outside world, says why, and its proof and trace hold for it', () => {
  const { model } = buildYaml(yaml, { profile: flannel });
  const flows = internetToNodePort();
  const s = suggestPolicies(model, flows);
  const text = renderPoliciesYaml(model, s);
  assert.match(
    text,
    /- ipBlock: \{cidr: 0\.0\.0\.0\/0, except: \[10\.244\.0\.0\/16\]\}\n {8}- ipBlock: \{cidr: 10\.244\.1\.0\/32\}/,
  );
  assert.match(
    text,
    /# 10\.244\.1\.0\/32: kube-proxy masquerades these clients and the endpoint may see 10\.244\.1\.0: node-1's flannel\.1/,
  );
  assert.deepEqual([s.check.denied, s.check.delivered, s.check.steps], [[], 1, 1]);
  // Traced again with the suggested policies: delivered, nothing unknown.
  const after = {
    ...model,
    networkPolicies: [...model.networkPolicies, ...s.policies.map((p) => toModel(model, p))],
  };
  const t = traceFlow(createTraceContext(after), flows[0]).steps[0].trace;
  assert.deepEqual([t.outcome, t.unknown], ['delivered', undefined]);
});

test('kube-proxy masquerade source — suggest admits the exact /32 of the Calico tunnel address the node annotation names, not the stand-in range (which admits the node pods too)', () => {
  const nodes = calicoIpipNodes();
  const { model } = buildYaml(yaml + nodes, { profile: cniProfile('calico') });
  const flows = internetToNodePort();
  const s = suggestPolicies(model, flows);
  const text = renderPoliciesYaml(model, s);
  assert.match(text, /- ipBlock: \{cidr: 10\.244\.1\.192\/32\}/);
  assert.doesNotMatch(text, /10\.244\.1\.0\/24/);
  assert.match(
    text,
    /# 10\.244\.1\.192\/32: kube-proxy masquerades these clients and the endpoint may see 10\.244\.1\.192: node-1's IPIP tunnel tunl0/,
  );
  assert.deepEqual([s.check.denied, s.check.delivered, s.check.steps], [[], 1, 1]);
});
