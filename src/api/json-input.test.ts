import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { buildFromTexts } from './index.ts';
import { parseManifests } from '../parse/index.ts';
import { readsAll } from '../parse/_same-as-package.ts';
import { parseManifestsWithPackage } from '../parse/yaml.ts';
import { generateBodies } from '../../bench/generate.ts';

/** The model as JSON without its source positions (a YAML and a JSON file put the same field on other lines). */
const withoutSources = (value: unknown): string =>
  JSON.stringify(value, (k, v: unknown) => (k === 'source' ? undefined : v));

test('JSON input: a kubectl-style List gives the same model and diagnostics as the same objects in YAML', () => {
  const bodies = generateBodies({ family: 'realistic', pods: 600 });
  // A pod template with an invalid port, so a diagnostic's position is compared too.
  const broken = structuredClone(bodies.find((b) => b.kind === 'Deployment')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  broken.metadata.name = 'broken';
  broken.spec.template.spec.containers[0].ports = [{ containerPort: 70000 }];
  const all = [...bodies, broken];
  const yaml = buildFromTexts([{ file: 'c.yaml', text: all.map((b) => stringify(b)).join('---\n') }]);
  const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: all }, null, 4);
  const json = buildFromTexts([{ file: 'c.json', text }]);
  assert.ok(json.model.pods.length > 600);
  assert.equal(withoutSources(json.model), withoutSources(yaml.model));
  assert.equal(withoutSources(json.diagnostics), withoutSources(yaml.diagnostics));
  // The JSON reader's model and positions are the yaml package's on the same JSON text.
  const viaPackage = buildFromTexts([{ file: 'c.json', text }], {
    parsed: parseManifestsWithPackage([{ file: 'c.json', text }]),
  });
  assert.deepStrictEqual(json.diagnostics, viaPackage.diagnostics);
  assert.ok(json.diagnostics.some((d) => d.source?.file === 'c.json' && d.source.line > 1));
  assert.equal(JSON.stringify(json.model), JSON.stringify(viaPackage.model));
  // Not vacuous: the JSON reader read the file (the package was not behind it).
  assert.ok(readsAll(text));
});

test('JSON input: the k3s dump in JSON (kubectl get -o json) reads as its YAML dump, by the JSON reader', () => {
  const read = (file: string) => {
    const text = readFileSync(file, 'utf8');
    return { text, bodies: parseManifests([{ file, text }]).objects.map((o) => o.body) };
  };
  const json = read('testdata/dumps/k3s-small.json');
  const yaml = read('testdata/dumps/k3s-small.yaml');
  assert.ok(readsAll(json.text));
  // The JSON dump adds what `kubectl apply` leaves on a Service: escaped JSON in an annotation.
  const svc = json.bodies.find((b) => b.kind === 'Service') as {
    metadata: { annotations: Record<string, string> };
  };
  const lastApplied = svc.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  assert.equal((JSON.parse(lastApplied) as { kind: string }).kind, 'Service');
  delete svc.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (Object.keys(svc.metadata.annotations).length === 0)
    delete (svc.metadata as { annotations?: unknown }).annotations;
  assert.deepStrictEqual(json.bodies, yaml.bodies);
});
