import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { stringify } from 'yaml';
import { parseManifests } from './index.ts';
import { generateBodies } from '../../bench/generate.ts';

/** The heap in use after a full collection (`gc` exposed for this process only). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

test('parse: what a parsed document keeps on the heap stays small (one position table per file, no closures per object, sized sequences)', () => {
  // Design note 0006, Decision 14: the parsed bodies and positions are live until the build ends, and every byte
  // of them is copied by the young-generation collector on the way. Measured on this generated cluster: ~0.9–1.3 KB
  // a document now, ~3.8–4.0 KB with a position table, typed arrays, a map and three closures per document and
  // sequences grown by push. The minimum of three rounds, so a collection landing mid-round does not decide it.
  const text = generateBodies({ family: 'realistic', pods: 3000 })
    .map((b) => stringify(b))
    .join('---\n');
  let least = Infinity;
  for (let round = 0; round < 3; round++) {
    const before = heapAfterGc();
    const parsed = parseManifests([{ file: 'cluster.yaml', text }]);
    const kept = heapAfterGc() - before;
    assert.ok(parsed.objects.length > 800 && parsed.diagnostics.length === 0);
    least = Math.min(least, kept / parsed.objects.length);
  }
  assert.ok(least < 2_200, `${Math.round(least)} bytes a document`);
});
