/**
 * `get` read as an SRE reads it. An empty answer says what it means, as kubectl's "No resources found in NS
 * namespace." does (on stderr, stdout left empty): which namespaces hold the resource, or that the namespace is
 * not in the input. A Node read back from a cluster without `spec.podCIDR(s)` has no range (the cluster allocates
 * none: https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/,
 * `--allocate-node-cidrs`), and `get nodes` does not show the one kubetwin hands it as the node's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runCli } from './_test-run.ts';

const dump = 'testdata/apps/k3s-dump/dump.yaml';

test('get with no match: nothing on stdout, and stderr says where the pods are instead', async () => {
  const r = await runCli(['get', 'pods', '-q', '-f', dump]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^No pods found in namespace default; the cluster as built has pods in kube-system, shop \(-A/,
  );
});

test('get in a namespace the input does not hold says so, naming the namespaces it does hold', async () => {
  const r = await runCli(['get', 'networkpolicies', '-n', 'shopp', '-q', '-f', dump]);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /^No networkpolicies found: namespace shopp is not in the input \(its namespaces: default, /,
  );
});

test('rule node-pod-cidr-absent: a Node read back without spec.podCIDRs shows no pod range in get nodes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-nodes-'));
  try {
    const file = join(dir, 'nodes.yaml');
    writeFileSync(
      file,
      `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: ip-10-1-0-5, uid: u1, resourceVersion: "7"}
  spec: {providerID: aws:///eu-west-1a/i-0abc}
  status: {addresses: [{type: InternalIP, address: 10.1.0.5}]}
- apiVersion: v1
  kind: Node
  metadata: {name: stated, uid: u2, resourceVersion: "7"}
  spec: {podCIDR: 10.244.7.0/24, podCIDRs: [10.244.7.0/24]}
  status: {addresses: [{type: InternalIP, address: 10.1.0.6}]}
`,
    );
    const table = await runCli(['get', 'nodes', '-q', '-f', file]);
    assert.deepEqual(
      table.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).slice(0, 5).join(' ')),
      [
        'NAME STATUS INTERNAL-IP ZONE POD-CIDR',
        'ip-10-1-0-5 Ready 10.1.0.5 <none> <none>',
        'stated Ready 10.1.0.6 <none> 10.244.7.0/24',
      ],
    );
    // The model keeps a stand-in range for hand-written pods, marked as kubetwin's assumption.
    const list = parse((await runCli(['get', 'nodes', '-o', 'yaml', '-q', '-f', file])).stdout) as {
      items: { name: string; podCIDRsAssumed?: boolean }[];
    };
    assert.deepEqual(
      list.items.map((n) => [n.name, n.podCIDRsAssumed ?? false]),
      [
        ['ip-10-1-0-5', true],
        ['stated', false],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
