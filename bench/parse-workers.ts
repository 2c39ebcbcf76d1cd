/**
 * Worker threads for parsing, measured (design note 0006, Decision 5): the main thread reads the first half
 * of the documents with the fast reader while a worker reads the second half and hands back its values as
 * JSON bytes (a transferred buffer: `JSON.parse` on the main thread is cheaper than `v8.deserialize`) plus its
 * position tables as transferred Int32Arrays. Prints serial and parallel wall/CPU and the main thread's share.
 *
 *   node --import tsx bench/parse-workers.ts /tmp/kubetwin-e2e/realistic-150000/cluster.yaml
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { readFast } from '../src/parse/_fast-yaml.ts';
import { documentChunks } from '../src/parse/_yaml-limits.ts';
import { LineIndex } from '../src/parse/_positions.ts';

const file = process.argv[2] ?? '/tmp/kubetwin-e2e/realistic-150000/cluster.yaml';
const text = readFileSync(file, 'utf8');
const cpu = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

/** What a reader hands back for a range of documents: values, and each document's position table. */
interface Table {
  offsets: number[];
  parents: number[];
  keys: (string | number)[];
}
function readRange(t: string, from: number, to: number) {
  const chunks = documentChunks(t).slice(from, to);
  const values: unknown[] = [];
  const tables: Table[] = [];
  for (const c of chunks) {
    const d = readFast(t, c.start, c.end);
    if (!d) throw new Error('not fast');
    values.push(d.value);
    tables.push(d.positions as unknown as Table);
  }
  new LineIndex(t);
  return { values, tables };
}

const chunks = documentChunks(text).length;
const half = Math.floor(chunks / 2);

// Serial: the whole text on this thread.
let c0 = cpu();
let t0 = performance.now();
readRange(text, 0, chunks);
const serial = { wall: performance.now() - t0, cpu: cpu() - c0 };

// The worker: started and ready before the clock starts (a bundled CLI pays ~30-50 ms for this).
const url = new URL('./_parse-worker.ts', import.meta.url).href;
const boot = `import('tsx/esm/api').then((t) => t.register()).then(() => import(${JSON.stringify(url)}))`;
const worker = new Worker(boot, { eval: true });
await new Promise((r) => worker.once('message', r));

c0 = cpu();
t0 = performance.now();
const reply = new Promise<{ json: Uint8Array; offsets: Int32Array; parents: Int32Array; workerMs: number }>(
  (r) => worker.once('message', r),
);
worker.postMessage({ text, from: half, to: chunks });
const mine = readRange(text, 0, half);
const mainDone = performance.now() - t0;
const got = await reply;
const waited = performance.now() - t0;
const m0 = performance.now();
const theirs = JSON.parse(new TextDecoder().decode(got.json)) as { values: unknown[]; keys: unknown[][] };
const mergeMs = performance.now() - m0;
const parallel = { wall: performance.now() - t0, cpu: cpu() - c0 };
await worker.terminate();
console.log(
  JSON.stringify({
    file,
    documents: chunks,
    serial: { wallMs: Math.round(serial.wall), cpuMs: Math.round(serial.cpu) },
    parallel: {
      wallMs: Math.round(parallel.wall),
      cpuMs: Math.round(parallel.cpu),
      mainHalfMs: Math.round(mainDone),
      workerMs: Math.round(got.workerMs),
      replyAtMs: Math.round(waited),
      jsonParseMs: Math.round(mergeMs),
      jsonMB: +(got.json.byteLength / 1e6).toFixed(1),
    },
    values: mine.values.length + theirs.values.length,
  }),
);
