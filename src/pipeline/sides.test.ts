import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseManifests, type ParseResult, type RawObject } from '../parse/index.ts';
import { buildCluster } from '../cluster/index.ts';
import { diffClusters } from '../analysis/diff/index.ts';
import { shop } from '../analysis/diff/_fixture.ts';
import { analyseCluster, analyseSides, type AnalysedCluster } from './index.ts';

/** Edits drawn at random, one file each, so the other files are the same objects on both sides. */
const edits: readonly [string, (t: string) => string][] = [
  ['policies.yaml', (t) => t.replace('- port: 8000', '- port: 8001')],
  ['services.yaml', (t) => t.replace('    app: api\n', '    app: apii\n')],
  ['apps.yaml', (t) => t.replace('replicas: 1', 'replicas: 0')],
  ['apps.yaml', (t) => t.replace('labels: {app: web}}', 'labels: {app: web, tier: x}}')],
  ['ingress.yaml', (t) => t.replace('- path: /api', '- path: /v2')],
  ['coredns.yaml', (t) => t.replace('api.shop.svc.cluster.local', 'web.shop.svc.cluster.local')],
];

const apply = (picks: readonly boolean[]) => {
  const out: Record<string, string> = { ...shop };
  picks.forEach((on, i) => on && (out[edits[i][0]] = edits[i][1](out[edits[i][0]])));
  return out;
};

/** Parses file by file, a text seen before under the same name giving the same objects (as `diff` does). */
function reader(): (texts: Record<string, string>) => RawObject[] {
  const seen = new Map<string, ParseResult>();
  return (texts) =>
    Object.entries(texts).flatMap(([file, text]) => {
      const got = seen.get(`${file}\n${text}`) ?? parseManifests([{ file, text }]);
      seen.set(`${file}\n${text}`, got);
      return got.objects;
    });
}

const now = '2026-01-01T00:00:00Z';
const alone = (objects: readonly RawObject[]) => analyseCluster(buildCluster(objects), { now });
const json = (a: AnalysedCluster) =>
  JSON.stringify({ findings: a.findings, traces: a.traces, notes: a.discoveryNotes, report: a.report });

test('analyseSides equals analysing each side alone, and so does their diff (property)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
      fc.array(fc.boolean(), { minLength: edits.length, maxLength: edits.length }),
      (pa, pb) => {
        const read = reader();
        const a = read(apply(pa));
        const b = read(apply(pb));
        const sides = analyseSides({ objects: a }, { objects: b }, { analyse: { now } });
        const x = alone(a);
        const y = alone(b);
        assert.equal(json(sides.before.analysed), json(x));
        assert.equal(json(sides.after.analysed), json(y));
        assert.deepEqual(
          diffClusters(sides.before, sides.after),
          diffClusters({ analysed: x, objects: a }, { analysed: y, objects: b }, { exhaustive: true }),
        );
      },
    ),
    { numRuns: 12, seed: 21 },
  );
});

test('analyseSides: the after side of an edit that touches no pod input shares the pods array', () => {
  const read = reader();
  const sides = analyseSides({ objects: read(shop) }, { objects: read(apply(edits.map((_, i) => i === 0))) });
  assert.equal(sides.after.analysed.model.pods, sides.before.analysed.model.pods);
});
