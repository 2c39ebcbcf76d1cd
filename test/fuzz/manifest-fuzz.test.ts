/**
 * A short slice of the manifest fuzz campaign (`npm run fuzz` runs the long one): no input makes a command throw
 * (exit 3) or hang. Seeded: KUBETWIN_FUZZ_SEED and KUBETWIN_FUZZ_MS replay or lengthen it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzManifests } from './_manifest-fuzzer.ts';

const seed = Number(process.env.KUBETWIN_FUZZ_SEED ?? 20261202);
const budgetMs = Number(process.env.KUBETWIN_FUZZ_MS ?? 8_000);

test(`fuzzed manifests (seed ${seed}, ${budgetMs} ms): no internal error, no hang, no silent loss, every exit 0, 1 or 2`, async () => {
  const report = await fuzzManifests({ seed, maxInputs: 1_000_000, budgetMs, batch: 8, cliEvery: 5 });
  assert.ok(report.inputs > 20, `only ${report.inputs} inputs ran`);
  assert.deepEqual(
    report.failures.map((f) => `#${f.index} ${f.command} ${f.kind}: ${f.problem}\n${f.input.slice(0, 300)}`),
    [],
  );
});
