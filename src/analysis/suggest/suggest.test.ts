import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows } from '../flows/index.ts';
import { analyseCluster } from '../../pipeline/index.ts';
import { failsAt } from '../doctor/index.ts';
import { renderPoliciesYaml } from '../../render/policies-yaml.ts';
import { suggestPolicies } from './index.ts';
import {
  applied,
  checkRandomCase,
  dir,
  flowsOf,
  randomCase,
  withoutDropped,
} from '../../../test/helpers/suggest-cases.ts';

test('suggest policies on e-commerce as-documented with its flows: every needed connection allowed, nothing else in the matrix', () => {
  const flows = flowsOf('examples/e-commerce/flows.yaml');
  const { s, after } = applied(dir('examples/e-commerce/as-documented'), flows);
  assert.deepEqual(s.check.denied, []);
  assert.deepEqual(s.check.extra, []);
  // Re-proved on the cluster rebuilt from the YAML (not the records the suggestion checked itself).
  const again = suggestPolicies(after, flows);
  assert.deepEqual([again.check.denied, again.check.extra, again.policies.length], [[], [], 0]);
});

test('suggest policies on e-commerce as-documented --replace: 8/9 flows delivered (the 9th is TLS, no policy matter), doctor finds no other error', () => {
  const flows = flowsOf('examples/e-commerce/flows.yaml');
  const { s, cluster } = applied(dir('examples/e-commerce/as-documented'), flows, { replace: true });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const kept = withoutDropped(cluster, s.dropped);
  const a = analyseCluster(kept, { flows, now: '2026-11-01T00:00:00Z' });
  const broken = a.traces.flatMap((t) => t.steps).filter((x) => x.trace.outcome !== 'delivered');
  assert.deepEqual(
    broken.map((b) => b.trace.failure?.reason.split(':')[0]),
    ['TLS'],
  );
  assert.equal(a.traces.filter((t) => t.outcome === 'delivered').length, 8);
  // The only errors left are the missing certificate and the flow step it breaks.
  const errors = a.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(errors.map((f) => f.code).sort(), ['flow-blocked', 'tls-certificate-problem']);
  assert.ok(
    errors.every((f) => /TLS|certificate|api-tls-cert/.test(f.message)),
    errors.map((f) => f.message).join('\n'),
  );
});

test('suggest policies on e-commerce fixed/ --replace: 9/9 flows delivered, nothing else allowed, doctor --fail-on error clean', () => {
  const flows = flowsOf('examples/e-commerce/flows.yaml');
  const { s, cluster } = applied(dir('examples/e-commerce/fixed'), flows, { replace: true });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  // fixed/'s own policies are replaced: applying means deleting them, as the YAML header says.
  const kept = withoutDropped(cluster, s.dropped);
  const a = analyseCluster(kept, { flows, now: '2026-11-01T00:00:00Z' });
  assert.equal(a.traces.filter((t) => t.outcome === 'delivered').length, 9);
  assert.equal(
    failsAt(a.findings, 'error'),
    false,
    a.findings
      .filter((f) => f.severity === 'error')
      .map((f) => f.message)
      .join('\n'),
  );
});

test('suggest policies on Online Boutique with discovered flows: all delivered, nothing else, doctor clean; deterministic', () => {
  const texts = [
    {
      file: 'ob.yaml',
      text: readFileSync('testdata/apps/online-boutique/kubernetes-manifests.yaml', 'utf8'),
    },
  ];
  const flows = [...discoverFlows(buildFromTexts(texts).model).flows];
  const { s, yaml, cluster } = applied(texts, flows);
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const a = analyseCluster(cluster, { flows, now: '2026-11-01T00:00:00Z' });
  assert.ok(a.traces.every((t) => t.outcome === 'delivered'));
  assert.deepEqual(
    a.findings.filter((f) => f.severity === 'error').map((f) => f.message),
    [],
  );
  assert.match(
    yaml,
    /# calls of default\/frontend: default\/frontend → tcp:\/\/adservice:9555 \(ob\.yaml:\d+\)/,
  );
  assert.equal(
    renderPoliciesYaml(buildFromTexts(texts).model, suggestPolicies(buildFromTexts(texts).model, flows)),
    yaml,
  );
});

test('property: on random clusters with random flows, the suggested policies deliver every flow and allow no pair outside them', () => {
  fc.assert(
    fc.property(randomCase, (c) => checkRandomCase(c)),
    { numRuns: 20, seed: 14 },
  );
});
