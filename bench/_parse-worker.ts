/** The worker of bench/parse-workers.ts: reads a range of documents, hands back JSON bytes and Int32Arrays. */
import { parentPort } from 'node:worker_threads';
import { readFast } from '../src/parse/_fast-yaml.ts';
import { documentChunks } from '../src/parse/_yaml-limits.ts';

interface Table {
  offsets: number[];
  parents: number[];
  keys: (string | number)[];
}
parentPort?.on('message', ({ text, from, to }: { text: string; from: number; to: number }) => {
  const t = performance.now();
  const values: unknown[] = [];
  const keys: (string | number)[][] = [];
  const offsets: number[] = [];
  const parents: number[] = [];
  for (const c of documentChunks(text).slice(from, to)) {
    const d = readFast(text, c.start, c.end);
    if (!d) throw new Error('not fast');
    values.push(d.value);
    const p = d.positions as unknown as Table;
    keys.push(p.keys);
    for (const o of p.offsets) offsets.push(o);
    for (const o of p.parents) parents.push(o);
  }
  const json = new TextEncoder().encode(JSON.stringify({ values, keys }));
  const o = Int32Array.from(offsets);
  const pa = Int32Array.from(parents);
  parentPort?.postMessage({ json, offsets: o, parents: pa, workerMs: performance.now() - t }, [
    json.buffer,
    o.buffer,
    pa.buffer,
  ]);
});
parentPort?.postMessage('ready');
