/** One test per NetworkPolicy rule of docs/network-policy-rules.md, on the upstream e2e topology. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from '../../cluster/_test-helpers.ts';
import { e2eTopology, engineFor, expectTable, np, verdict } from './_test-helpers.ts';

test('rule default-allow: a pod no policy selects accepts and sends everything', () => {
  const e = engineFor(e2eTopology());
  expectTable(e, `x/a -> y/b 80/TCP allow\nz/c -> x/a 81/UDP allow\nx/b -> ip:8.8.8.8 53/UDP allow`);
  assert.equal(verdict(e, 'x/a', 'y/b', 80).ingress.reason, 'not-isolated');
});

test('rule isolation-per-direction: an Ingress-only policy isolates ingress, egress stays open', () => {
  const e = engineFor(
    e2eTopology(np('deny-in', 'x', '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Ingress]')),
  );
  expectTable(e, `x/b -> x/a 80/TCP deny\nx/a -> x/b 80/TCP allow\nx/a -> ip:8.8.8.8 53/UDP allow`);
  assert.deepEqual(
    verdict(e, 'x/b', 'x/a', 80).ingress.isolatedBy.map((p) => p.policy),
    ['NetworkPolicy/x/deny-in'],
  );
});

test('rule egress-isolation: an Egress policy with no rules denies everything leaving the pod', () => {
  const e = engineFor(
    e2eTopology(np('deny-out', 'x', '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]')),
  );
  expectTable(e, `x/a -> x/b 80/TCP deny\nx/a -> ip:8.8.8.8 53/UDP deny\nx/b -> x/a 80/TCP allow`);
});

test('rule policytypes-inferred: without policyTypes, Ingress always and Egress when egress rules exist', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'eg',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  egress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ),
  );
  // Egress rules make it [Ingress, Egress]: x/a is now ingress-isolated with no ingress rules.
  expectTable(e, `x/a -> x/b 80/TCP allow\nx/a -> x/c 80/TCP deny\nx/b -> x/a 80/TCP deny`);
  const only = engineFor(
    e2eTopology(np('in', 'x', '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{}]')),
  );
  expectTable(only, `x/a -> x/c 80/TCP allow\nx/b -> x/a 80/TCP allow`);
});

test('rule union-of-policies: allows add up across every policy selecting the pod', () => {
  const p1 = np(
    'from-b',
    'x',
    '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
  );
  const p2 = np(
    'from-c',
    'x',
    '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}], ports: [{port: 81}]}]',
  );
  const e = engineFor(e2eTopology(`${p1}\n---\n${p2}`));
  expectTable(
    e,
    `x/b -> x/a 80/TCP allow\nx/c -> x/a 81/TCP allow\nx/c -> x/a 80/TCP deny\ny/b -> x/a 80/TCP deny`,
  );
});

test('rule both-sides: a connection needs egress at the source and ingress at the destination', () => {
  const out = np(
    'out',
    'x',
    '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]',
  );
  const inn = np(
    'in',
    'y',
    '  podSelector: {matchLabels: {pod: b}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}]}]',
  );
  const e = engineFor(e2eTopology(`${out}\n---\n${inn}`));
  expectTable(
    e,
    `x/a -> y/a 80/TCP allow\nx/a -> y/b 80/TCP deny\ny/c -> y/b 80/TCP allow\nx/a -> z/a 80/TCP deny`,
  );
  const v = verdict(e, 'x/a', 'y/b', 80);
  assert.equal(v.egress.allowed, true);
  assert.equal(v.ingress.allowed, false);
});

test('rule podselector-alone: a podSelector peer selects pods in the policy namespace only', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ),
  );
  expectTable(e, `x/b -> x/a 80/TCP allow\ny/b -> x/a 80/TCP deny`);
  assert.match(verdict(e, 'y/b', 'x/a', 80).ingress.misses[0].reason, /selects only namespace x/);
});

test('rule namespaceselector-alone: a namespaceSelector peer selects every pod of the matching namespaces', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}]}]',
      ),
    ),
  );
  expectTable(
    e,
    `y/a -> x/a 80/TCP allow\ny/c -> x/a 80/TCP allow\nx/b -> x/a 80/TCP deny\nz/a -> x/a 80/TCP deny`,
  );
  assert.match(
    verdict(e, 'z/a', 'x/a', 80).ingress.misses[0].reason,
    /namespace z does not match namespaceSelector \{ns=y\}: label ns=z, wanted y/,
  );
});

test('rule namespace-and-pod-selector: both selectors in one peer element are ANDed', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}, podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ),
  );
  expectTable(e, `y/b -> x/a 80/TCP allow\ny/a -> x/a 80/TCP deny\nx/b -> x/a 80/TCP deny`);
});

test('rule separate-peer-elements: peers in separate elements are ORed', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: "y"}}}, {podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ),
  );
  expectTable(
    e,
    `y/a -> x/a 80/TCP allow\nx/b -> x/a 80/TCP allow\nx/c -> x/a 80/TCP deny\nz/b -> x/a 80/TCP deny`,
  );
});

test('rule empty-selectors: podSelector {} is every pod of the policy namespace, namespaceSelector {} every namespace', () => {
  const own = engineFor(
    e2eTopology(np('p', 'x', '  podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]')),
  );
  expectTable(own, `x/b -> x/a 80/TCP allow\ny/b -> x/a 80/TCP deny\nip:8.8.8.8 -> x/a 80/TCP deny`);
  const all = engineFor(
    e2eTopology(np('p', 'x', '  podSelector: {}\n  ingress: [{from: [{namespaceSelector: {}}]}]')),
  );
  expectTable(all, `y/b -> x/a 80/TCP allow\nz/c -> x/c 81/SCTP allow\nip:8.8.8.8 -> x/a 80/TCP deny`);
});

test('rule match-expressions: In, NotIn, Exists and DoesNotExist', () => {
  const exprs = (e: string) =>
    np(
      'p',
      'x',
      `  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchExpressions: [${e}]}}]}]`,
    );
  expectTable(
    engineFor(e2eTopology(exprs('{key: pod, operator: In, values: [b, c]}'))),
    `y/b -> x/a 80/TCP allow\ny/c -> x/a 80/TCP allow\ny/a -> x/a 80/TCP deny`,
  );
  expectTable(
    engineFor(e2eTopology(exprs('{key: pod, operator: NotIn, values: [b]}'))),
    `y/b -> x/a 80/TCP deny\ny/c -> x/a 80/TCP allow`,
  );
  expectTable(engineFor(e2eTopology(exprs('{key: pod, operator: Exists}'))), `y/b -> x/a 80/TCP allow`);
  expectTable(engineFor(e2eTopology(exprs('{key: pod, operator: DoesNotExist}'))), `y/b -> x/a 80/TCP deny`);
});

test('rule ipblock-except: an ipBlock admits addresses in cidr and outside every except block', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{to: [{ipBlock: {cidr: 8.0.0.0/8, except: [8.8.8.0/24]}}]}]',
      ),
    ),
  );
  expectTable(
    e,
    `x/a -> ip:8.1.2.3 443/TCP allow\nx/a -> ip:8.8.8.8 53/UDP deny\nx/a -> ip:9.9.9.9 53/UDP deny`,
  );
  assert.match(
    verdict(e, 'x/a', 'ip:8.8.8.8', 53, 'UDP').egress.misses[0].reason,
    /not in ipBlock 8\.0\.0\.0\/8 except 8\.8\.8\.0\/24/,
  );
});

test('rule ipblock-pod-ip: an ipBlock matches pod IPs, as the upstream e2e suite requires, and is flagged', () => {
  const base = buildYaml(e2eTopology()).model;
  const bIP = base.pods.find((p) => p.namespace === 'y' && p.name === 'b')!.ip!;
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        `  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{ipBlock: {cidr: ${bIP}/32}}]}]`,
      ),
    ),
  );
  expectTable(e, `y/b -> x/a 80/TCP allow\ny/c -> x/a 80/TCP deny`);
  assert.match(verdict(e, 'y/b', 'x/a', 80).ingress.notes.join(), /CNIs disagree/);
});

test('rule all-peers: a rule with from/to missing or empty admits every peer, pods and addresses', () => {
  const missing = engineFor(
    e2eTopology(np('p', 'x', '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 80}]}]')),
  );
  expectTable(missing, `z/c -> x/a 80/TCP allow\nip:8.8.8.8 -> x/a 80/TCP allow\nz/c -> x/a 81/TCP deny`);
  const empty = engineFor(
    e2eTopology(
      np('p', 'x', '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [], ports: [{port: 80}]}]'),
    ),
  );
  expectTable(empty, `z/c -> x/a 80/TCP allow\nip:8.8.8.8 -> x/a 80/TCP allow`);
  const allowAll = engineFor(
    e2eTopology(np('p', 'x', '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{}]')),
  );
  expectTable(allowAll, `z/c -> x/a 81/SCTP allow`);
});

test('rule empty-peer-element: a from/to element with no selector and no ipBlock is rejected, not read as "all"', () => {
  const built = buildYaml(e2eTopology(np('p', 'x', '  podSelector: {}\n  ingress: [{from: [{}]}]')));
  assert.ok(codes(built.diagnostics).includes('invalid-peer'));
  assert.equal(built.model.networkPolicies.length, 0);
});
