/**
 * The report's list of rules that admit every peer on every port: a namespace whose workloads each carry an
 * allow-all `egress: [{}]` (Online Boutique's thirteen policies) reads as one line per direction naming each
 * policy once, not one line a rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeOpenRules, type DirectionPosture, type OpenRule } from './index.ts';

const direction = (openRules: OpenRule[]): DirectionPosture => ({ reach: 'internet', peers: [], openRules });
const rule = (policy: string, r: string, source?: string): OpenRule => ({
  policy: `NetworkPolicy/shop/${policy}`,
  rule: r,
  ...(source ? { source } : {}),
});

test('report open-rules-one-line-per-direction: several allow-all egress policies are one egress line, each policy named once with its rules and line', () => {
  const lines = describeOpenRules({
    ingress: direction([rule('front', 'ingress[0]', 'p.yaml:4')]),
    egress: direction([
      rule('all', 'egress[0]', 'p.yaml:30'),
      rule('web', 'egress[0]', 'p.yaml:10'),
      rule('all', 'egress[2]', 'p.yaml:30'),
      rule('api', 'egress[0]', 'p.yaml:20'),
    ]),
  });
  assert.deepEqual(lines, [
    'ingress open from every peer on every port by NetworkPolicy front ingress[0] (line 4) in p.yaml',
    'egress open to every peer on every port by 3 NetworkPolicies: all egress[0,2] (line 30), web egress[0] (line 10), api egress[0] (line 20) in p.yaml',
  ]);
});

test('report open-rules-sources: policies in several files keep file:line each; a direction without open rules has no line', () => {
  const lines = describeOpenRules({
    ingress: direction([]),
    egress: direction([
      rule('a', 'egress[0]', 'a.yaml:3'),
      rule('b', 'egress[1]', 'b.yaml:7'),
      rule('c', 'egress[0]'),
    ]),
  });
  assert.deepEqual(lines, [
    'egress open to every peer on every port by 3 NetworkPolicies: a egress[0] (a.yaml:3), b egress[1] (b.yaml:7), c egress[0]',
  ]);
});
