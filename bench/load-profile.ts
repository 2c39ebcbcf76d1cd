/**
 * One load in this process, for profiling (design note 0006): parse and build a generated cluster on disk,
 * printing wall and CPU ms per phase and peak RSS; with a second argument, a sampling heap profile of the load
 * (`ALL=1`: objects the GC collected too, i.e. every allocation, not only what the model keeps).
 *
 *   node /tmp/bundle-of-this-file.mjs /tmp/kubetwin-e2e/realistic-150000 [out.heapprofile]
 *   node --cpu-prof /tmp/bundle-of-this-file.mjs /tmp/kubetwin-e2e/realistic-150000
 *   ROUNDS=3 node /tmp/bundle-of-this-file.mjs /tmp/kubetwin-e2e/realistic-150000   (cold, then warm rounds)
 *
 * Bundle it first as bench/load.ts does (under tsx every closure goes through its `__name` helper).
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { loadInputs } from '../src/sources/files.ts';
import { parseManifests } from '../src/parse/index.ts';
import { buildFromParsed } from '../src/api/index.ts';
const dir = process.argv[2];
const heap = process.argv[3];
const inputs = await loadInputs([dir], () => Promise.resolve(''));
const cpuMs = (c: NodeJS.CpuUsage) => Math.round((c.user + c.system) / 1000);
let session: Session | undefined;
if (heap) {
  session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: process.env.ALL === '1',
    includeObjectsCollectedByMinorGC: process.env.ALL === '1',
  });
}
// ROUNDS=2 loads the same texts again in this process: the first round is what a CLI run pays (code not yet
// optimised, heap growing), later rounds the reading alone (design note 0006, Decision 9).
let parsed = parseManifests([]);
let built = buildFromParsed(parsed);
for (let round = 0; round < Number(process.env.ROUNDS ?? 1); round++) {
  let cpu = process.cpuUsage();
  let t = performance.now();
  parsed = parseManifests(inputs.texts);
  console.log('parse', Math.round(performance.now() - t), cpuMs(process.cpuUsage(cpu)));
  cpu = process.cpuUsage();
  t = performance.now();
  built = buildFromParsed(parsed);
  console.log(
    'build',
    Math.round(performance.now() - t),
    cpuMs(process.cpuUsage(cpu)),
    built.model.pods.length,
  );
}
console.log('rss', Math.round(process.resourceUsage().maxRSS / 1024));
if (session && heap) {
  (globalThis as { gc?: () => void }).gc?.();
  console.log('heapUsed', Math.round(process.memoryUsage().heapUsed / 1e6));
  const { profile } = await session.post('HeapProfiler.stopSampling');
  writeFileSync(heap, JSON.stringify(profile));
  console.log(parsed.objects.length, built.model.pods.length);
}
