/**
 * Where loading time goes, option by option (design note 0006): parse one manifest file (default: a generated
 * cluster written by `npm run bench:e2e`) through each candidate path and print time and retained heap.
 *
 *   node --expose-gc --import tsx bench/yaml-load.ts /tmp/kubetwin-e2e/realistic-150000/cluster.yaml
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';
import { Lexer, LineCounter, Parser, parseAllDocuments } from 'yaml';
import { parseManifests } from '../src/parse/index.ts';
import { parseManifestsWithPackage } from '../src/parse/yaml.ts';
import { buildCluster } from '../src/cluster/index.ts';

const file = process.argv[2] ?? '/tmp/kubetwin-e2e/realistic-150000/cluster.yaml';
const text = readFileSync(file, 'utf8');
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapMB = () => (gc(), Math.round(process.memoryUsage().heapUsed / 1e6));

async function time<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const before = heapMB();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const out = await fn();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const retained = heapMB() - before;
  process.stdout.write(
    `| ${name} | ${Math.round(ms)} | ${Math.round((used.user + used.system) / 1000)} | ${retained} |\n`,
  );
  return out;
}

process.stdout.write(
  `${file}: ${(text.length / 1e6).toFixed(1)} MB\n\n| path | wall ms | CPU ms | heap retained MB |\n| --- | --- | --- | --- |\n`,
);
const only = process.argv[3]; // `fast`: only the fast reader and the build (for a quick before/after)
if (only !== 'fast')
  await time('lexer only (yaml Lexer: tokens, no tree)', () => {
    let n = 0;
    for (const _ of new Lexer().lex(text)) n++;
    return n;
  });
if (only !== 'fast')
  await time('CST only (yaml Parser, positions in every token)', () => {
    let n = 0;
    const lc = new LineCounter();
    for (const _ of new Parser(lc.addNewLine).parse(text)) n++;
    return n;
  });
if (only !== 'fast')
  await time('documents + toJS, documents dropped (no positions kept)', () => {
    const lc = new LineCounter();
    return parseAllDocuments(text, { lineCounter: lc, version: '1.1' }) as unknown as unknown[];
  }).then((docs) => {
    let n = 0;
    for (const d of docs as { toJS(): unknown }[]) if (d.toJS()) n++;
    return n;
  });
if (only !== 'fast')
  await time('yaml package: whole file, documents kept for positions (before 0009)', () =>
    parseManifestsWithPackage([{ file, text }]),
  );
const parsed = await time('parseManifests: fast reader + compact positions (0009)', () =>
  parseManifests([{ file, text }]),
);
await time('build the model from the parsed objects', () => buildCluster(parsed.objects, {}));
// What a worker thread would pay to hand its parsed documents back (structured clone, both ends).
const bodies = parsed.objects.map((o) => o.body);
const wire = await time('worker hand-back: v8.serialize of the parsed bodies', () => serialize(bodies));
await time('worker hand-back: v8.deserialize of the same', () => deserialize(wire) as unknown[]);
if (only === 'fast') process.exit(0);
const json = parsed.objects.map((o) => JSON.stringify(o.body));
await time('JSON.parse of the same objects (a JSON fast path, lower bound)', () =>
  json.map((j) => JSON.parse(j)),
);
await time('two worker threads, half the documents each (parse + toJS, bodies cloned back)', async () => {
  const docs = text.split(/^---\s*$/m);
  const half = Math.ceil(docs.length / 2);
  const parts = [docs.slice(0, half).join('---\n'), docs.slice(half).join('---\n')];
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { parseAllDocuments } = require(${JSON.stringify(createRequire(import.meta.url).resolve('yaml'))});
    parentPort.postMessage(parseAllDocuments(workerData, { version: '1.1' }).map((d) => d.toJS()));`;
  const results = await Promise.all(
    parts.map(
      (p) =>
        new Promise<unknown[]>((resolve, reject) => {
          const w = new Worker(code, { eval: true, workerData: p });
          w.once('message', (m: unknown[]) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return results.flat().length;
});
