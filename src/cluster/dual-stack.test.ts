import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

const dual = `apiVersion: kubetwin.dev/v1alpha1
kind: ClusterProfile
podCIDR: 10.244.0.0/16,fd00:10:244::/56
serviceCIDR: 10.96.0.0/12,fd00:10:96::/112
nodes: [{name: n1, internalIP: 10.0.0.1}]
`;
const svc = (name: string, spec: string) =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n${spec}\n`;
const pod = `---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, labels: {app: web}}\nspec: {containers: [{name: c}]}\n`;

test('dual-stack: every node gets a pod range per family (--node-cidr-mask-size-ipv6 /64), pods an address per family, primary first', () => {
  const { model } = buildYaml(pod, { profile: dual });
  assert.deepEqual(model.nodes[0].podCIDRs, ['10.244.0.0/24', 'fd00:10:244::/64']);
  assert.deepEqual(
    model.pods.find((p) => p.name === 'web')!.ips.map((ip) => ip.includes(':')),
    [false, true],
  );
});

test('dual-stack Services: SingleStack (the default) gets the primary family; PreferDualStack both, in ipFamilies order', () => {
  const { model } = buildYaml(
    pod +
      svc('single', '') +
      svc('prefer', '  ipFamilyPolicy: PreferDualStack') +
      svc('v6first', '  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv6, IPv4]'),
    { profile: dual },
  );
  const by = (n: string) => model.services.find((s) => s.name === n)!;
  assert.deepEqual(by('single').ipFamilies, ['IPv4']);
  assert.deepEqual(by('prefer').ipFamilies, ['IPv4', 'IPv6']);
  assert.equal(by('prefer').clusterIPs.length, 2);
  assert.deepEqual(by('v6first').ipFamilies, ['IPv6', 'IPv4']);
  assert.match(by('v6first').clusterIPs[0], /^fd00:10:96::/);
});

test('dual-stack: EndpointSlices are computed per address family', () => {
  const { model } = buildYaml(pod + svc('prefer', '  ipFamilyPolicy: PreferDualStack'), { profile: dual });
  const slices = model.endpointSlices.filter((s) => s.serviceName === 'prefer');
  assert.deepEqual(slices.map((s) => s.addressType).sort(), ['IPv4', 'IPv6']);
});

test('RequireDualStack on a single-stack cluster is refused; PreferDualStack falls back to one family', () => {
  const { model, diagnostics } = buildYaml(
    pod + svc('req', '  ipFamilyPolicy: RequireDualStack') + svc('pref', '  ipFamilyPolicy: PreferDualStack'),
  );
  assert.ok(codes(diagnostics).includes('invalid-field'));
  assert.equal(
    model.services.some((s) => s.name === 'req'),
    false,
  );
  assert.deepEqual(model.services.find((s) => s.name === 'pref')!.ipFamilies, ['IPv4']);
});

test('headless Services without a selector default to RequireDualStack on a dual-stack cluster', () => {
  const { model } = buildYaml(
    `apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {clusterIP: None, ports: [{port: 80}]}\n`,
    { profile: dual },
  );
  assert.deepEqual(model.services.find((s) => s.name === 'ext')!.ipFamilies, ['IPv4', 'IPv6']);
});
