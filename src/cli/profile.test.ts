import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from './_test-run.ts';
import type { ProfileField } from '../model/profile.ts';

const dump = 'testdata/dumps/k3s-small.yaml';

const kubetwin = (...argv: string[]) => runCli(argv);

test('kubetwin profile on a k3s dump prints the inferred CIDRs, DNS, CNI and nodes, each with where it came from', async () => {
  const { code, stdout, stderr } = await kubetwin('profile', '-f', dump);
  assert.equal(code, 0, stderr);
  const printed = parse(stdout) as Record<string, unknown>;
  assert.equal(printed.apiVersion, 'kubetwin.dev/v1alpha1');
  assert.equal(printed.kind, 'ClusterProfile');
  assert.equal(printed.podCIDR, '10.42.0.0/23');
  assert.equal(printed.serviceCIDR, '10.43.0.0/17');
  assert.equal(printed.dnsServiceIP, '10.43.0.10');
  assert.equal(printed.clusterDomain, 'cluster.local');
  assert.deepEqual(printed.cni, { name: 'k3s-flannel', enforcesNetworkPolicy: true });
  assert.deepEqual(
    (printed.nodes as { name: string; zone: string }[]).map((n) => `${n.name} ${n.zone}`),
    ['k3s-agent-1 eu-west-1b', 'k3s-server-0 eu-west-1a'],
  );
  assert.equal(printed.kubeProxy, undefined, 'defaults are commented out');
  assert.match(stdout, /^# kubeProxy:$/m);
  assert.match(
    stdout,
    /^# inferred from testdata\/dumps\/k3s-small\.yaml:72: Service kube-system\/kube-dns spec\.clusterIP\ndnsServiceIP: 10\.43\.0\.10$/m,
  );
  assert.match(stdout, /^# note: no ServiceCIDR object states kube-apiserver's --service-cluster-ip-range/m);
  assert.match(stdout, /^# maxPodsPerNode: 110 {2}# default$|^maxPodsPerNode: 110$/m);
  assert.match(stderr, /info profile-inferred: serviceCIDR 10\.43\.0\.0\/17 is inferred/);
});

test('kubetwin profile round trip: the printed profile, passed back with --profile, gives the same profile, now from the file', async () => {
  const first = await kubetwin('profile', '-f', dump);
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-profile-'));
  try {
    const file = join(dir, 'profile.yaml');
    writeFileSync(file, first.stdout);
    const second = await kubetwin('profile', '-f', dump, '--profile', file);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /invalid-profile|profile-contradicts-observed|profile-inferred/);
    const a = parse(first.stdout) as Record<ProfileField, unknown>;
    const b = parse(second.stdout) as Record<ProfileField, unknown>;
    assert.deepEqual(b, a);
    assert.match(
      second.stdout,
      new RegExp(
        `^dnsServiceIP: 10\\.43\\.0\\.10 {2}# from the profile, ${file.replace(/[.]/g, '\\.')}:\\d+$`,
        'm',
      ),
    );
    // A third pass reads the same values back again.
    writeFileSync(file, second.stdout);
    const third = await kubetwin('profile', '-f', dump, '--profile', file);
    assert.deepEqual(parse(third.stdout), b);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kubetwin profile without observed objects prints the defaults, commented out, still a valid ClusterProfile', async () => {
  const { code, stdout } = await kubetwin('profile', '-f', 'testdata/invalid/generated-name.yaml');
  assert.equal(code, 0);
  const printed = parse(stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(printed).sort(), ['apiVersion', 'kind']);
  assert.match(stdout, /^# serviceCIDR: 10\.96\.0\.0\/12 {2}# default$/m);
});

test('kubetwin profile names the mesh detected from its control plane, and the printed profile reads back with it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-profile-mesh-'));
  writeFileSync(
    join(dir, 'istiod.yaml'),
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: istiod, namespace: istio-system}\nspec: {selector: {matchLabels: {app: istiod}}, template: {metadata: {labels: {app: istiod}}, spec: {containers: [{name: d, image: x}]}}}\n',
  );
  const printed = await kubetwin('profile', '-f', dir);
  assert.match(
    printed.stdout,
    /# inferred from Deployment\/istio-system\/istiod: the mesh's control plane\nmesh:\n {2}name: istio\n/,
  );
  writeFileSync(join(dir, 'profile.out.yaml'), printed.stdout);
  t.after(() => rmSync(dir, { recursive: true }));
  const again = await kubetwin(
    'profile',
    '-f',
    join(dir, 'istiod.yaml'),
    '--profile',
    join(dir, 'profile.out.yaml'),
  );
  assert.match(again.stdout, /# from the profile, .*profile\.out\.yaml:\d+\nmesh:\n {2}name: istio\n/);
});
