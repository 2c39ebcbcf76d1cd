/**
 * Linear work (issue: reliability, item 3): parsing, building and rendering grow with the input, never faster.
 * For each dimension of an input that people (or a fuzzer) can make large — labels on one object, the length of a
 * value or a name, a long sequence, many documents — the whole pipeline (parse → build → `get -o wide` and the report text)
 * runs at a size and at four times that size; the larger run must take at most about four times as long (8× is
 * allowed for timer noise and garbage collection; a quadratic step would take 16×). Times are CPU time of this
 * process, the best of two runs, so a loaded machine slows both sizes alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildFromTexts } from '../src/api/index.ts';
import { analyseCluster } from '../src/pipeline/index.ts';
import { renderGet } from '../src/render/get.ts';
import { renderReportText } from '../src/render/report-text.ts';
import { renderDiagnostics } from '../src/render/diagnostics.ts';

/** An input growing along one dimension with n, and the n to start from (large enough that a quadratic step shows). */
interface Dimension {
  readonly make: (n: number) => string;
  readonly n: number;
}

const pod = (meta: string, extra = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${meta}spec:\n  containers: [{name: c, image: x${extra}}]\n`;

/** Args that name a Service (found as flows), one that names none (unresolved), then plain words. */
const argWords = ['cart:8080', 'http://cart:8080/x', 'nowhere:99'];

/** Inputs that grow along one dimension with n. */
const dimensions: Record<string, Dimension> = {
  'labels on one object': {
    n: 4000,
    make: (n) => pod(`  labels:\n${Array.from({ length: n }, (_, i) => `    k${i}: v${i}\n`).join('')}`),
  },
  'length of an annotation value': {
    n: 2000,
    make: (n) => pod(`  annotations:\n    note: "${'x'.repeat(n * 40)}"\n`),
  },
  'items of a flow sequence': {
    n: 2000,
    make: (n) => pod('', `, args: [${Array.from({ length: n * 4 }, () => '1').join(', ')}]`),
  },
  'length of a namespace name': {
    n: 2000,
    make: (n) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: ${'a'.repeat(n * 40)}}\nspec: {ports: [{port: 80}]}\n---\n` +
      pod(`  namespace: ${'b'.repeat(n * 40)}\n`),
  },
  'length of an object name and a label value': {
    n: 2000,
    make: (n) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${'c'.repeat(n * 40)}}\n---\n` +
      pod(`  labels: {app: ${'v'.repeat(n * 40)}}\n`),
  },
  'documents in one file': {
    n: 1000,
    make: (n) =>
      Array.from(
        { length: Math.ceil(n / 10) },
        (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {ports: [{port: 80}]}\n`,
      ).join('---\n'),
  },
  'args of a Deployment container, some naming a Service': {
    n: 2000,
    make: (n) =>
      `apiVersion: v1\nkind: Service\nmetadata: {name: cart}\nspec: {selector: {app: cart}, ports: [{port: 8080}]}\n---\n` +
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n` +
      `  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - name: c\n        image: x\n` +
      `        args: [${Array.from({ length: n * 8 }, (_, i) => argWords[i % 100] ?? 'w').join(', ')}]\n`,
  },
  'ports of one container': {
    n: 1000,
    make: (n) =>
      pod('', `, ports: [${Array.from({ length: n }, (_, i) => `{containerPort: ${i + 1}}`).join(', ')}]`),
  },
};

function runOnce(text: string): void {
  const cluster = buildFromTexts([{ file: 'input.yaml', text }]);
  renderGet(cluster.model, 'all', { wide: true });
  renderDiagnostics(cluster.diagnostics);
  renderReportText(analyseCluster(cluster, { now: '2026-01-01T00:00:00Z' }).report);
}

function cpuMs(text: string): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const start = process.cpuUsage();
    runOnce(text);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

for (const [name, { make, n }] of Object.entries(dimensions)) {
  test(`linear work: four times the ${name} takes at most about four times as long`, () => {
    const small = cpuMs(make(n));
    const large = cpuMs(make(4 * n));
    // Below a few milliseconds the ratio is noise; the small size is chosen so it is not.
    assert.ok(
      large <= 8 * Math.max(small, 5),
      `${name}: ${small.toFixed(1)} ms at n, ${large.toFixed(1)} ms at 4n (ratio ${(large / small).toFixed(1)})`,
    );
  });
}

test('linear work, property: random mixes of the dimensions grow at most about linearly', () => {
  const names = Object.keys(dimensions);
  fc.assert(
    fc.property(fc.subarray(names, { minLength: 1, maxLength: 2 }), (picked) => {
      const make = (scale: number) =>
        picked.map((k) => dimensions[k].make(dimensions[k].n * scale)).join('---\n');
      const small = cpuMs(make(0.5));
      const large = cpuMs(make(2));
      return large <= 8 * Math.max(small, 5);
    }),
    { numRuns: 3, seed: 18 },
  );
});
