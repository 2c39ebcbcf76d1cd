/**
 * The model cache's files (`model-cache.ts`): a stored cluster reads back deep-equal under its key; the key
 * changes with kubetwin's version, the options and any input byte or name; a file that is not this key's, is cut
 * short or is in another format is a miss. (Answers byte for byte from the cache: src/cli/model-cache.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { cacheKey, readCachedCluster, writeCachedCluster, type CacheKeyParts } from './model-cache.ts';
import { buildFromTexts } from '../api/index.ts';
import { withLocatedWords } from '../cluster/index.ts';

const texts = [
  {
    file: 'app.yaml',
    text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx, args: [a, b], ports: [{containerPort: 80}]}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n',
  },
];
const parts: CacheKeyParts = {
  version: '1.2.3',
  texts,
  options: { namespace: 'default', maxPods: undefined },
};

test('model cache key: the same inputs give the same key; the version, an option, a byte or a file name change it', () => {
  const key = cacheKey(parts);
  assert.equal(cacheKey({ ...parts, texts: [{ ...texts[0] }] }), key);
  const changed = [
    cacheKey({ ...parts, version: '1.2.4' }),
    cacheKey({ ...parts, options: { ...parts.options, namespace: 'shop' } }),
    cacheKey({ ...parts, options: { ...parts.options, maxPods: 10 } }),
    cacheKey({ ...parts, texts: [{ ...texts[0], text: texts[0].text.replace('80', '81') }] }),
    cacheKey({ ...parts, texts: [{ ...texts[0], file: 'other.yaml' }] }),
    cacheKey({ ...parts, profile: { file: 'kubetwin.yaml', text: 'kind: ClusterProfile\n' } }),
  ];
  assert.equal(new Set([key, ...changed]).size, changed.length + 1);
});

test('model cache: a stored cluster reads back deep-equal; another key, a short file or the old format is a miss', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-model-cache-'));
  t.after(() => rmSync(dir, { recursive: true }));
  const cluster = buildFromTexts(texts);
  const key = cacheKey(parts);
  assert.equal(await writeCachedCluster(dir, key, cluster), undefined);
  const stored = { ...cluster, model: withLocatedWords(cluster.model) };
  assert.deepStrictEqual(await readCachedCluster(dir, key), stored);
  const back = await readCachedCluster(dir, key);
  assert.deepEqual(
    back?.model.settings?.[0].words.map((w) => [w.values, w.sources?.map((s) => s?.line)]),
    [
      [
        ['a', 'b'],
        [9, 9],
      ],
    ],
    'container words keep their sources without the locate closure',
  );
  const [file] = readdirSync(dir);
  assert.equal(
    await readCachedCluster(dir, cacheKey({ ...parts, version: '9.9.9' })),
    undefined,
    'another version',
  );
  // A file copied under another key's name (the header names the key it was stored under) is not that key's.
  const otherKey = cacheKey({ ...parts, version: '2.0.0' });
  copyFileSync(join(dir, file), join(dir, `${otherKey}.model`));
  assert.equal(await readCachedCluster(dir, otherKey), undefined, 'a file stored under another key');
  const bytes = readFileSync(join(dir, file));
  writeFileSync(join(dir, file), bytes.subarray(0, bytes.length - 4));
  assert.equal(await readCachedCluster(dir, key), undefined, 'cut short');
  writeFileSync(join(dir, file), serialize({ format: 'kubetwin-model-cache/1', cluster: stored }));
  assert.equal(await readCachedCluster(dir, key), undefined, 'the format before this one');
  writeFileSync(join(dir, file), bytes);
  assert.deepStrictEqual((await readCachedCluster(dir, key))?.model.pods, cluster.model.pods, 'restored');
});

test('model cache: a store that fails leaves no file, and a temporary file left by a stopped store is no hit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-model-cache-'));
  t.after(() => rmSync(dir, { recursive: true }));
  const cluster = buildFromTexts(texts);
  const key = cacheKey(parts);
  const unstorable = { ...cluster, model: { ...cluster.model, extra: () => 1 } } as unknown as typeof cluster;
  assert.match((await writeCachedCluster(dir, key, unstorable)) ?? '', /is a function/);
  assert.deepEqual(readdirSync(dir), [], 'neither the model nor its temporary file');
  // A run killed while writing leaves `<key>.model.<pid>.tmp`, cut short: the key's file is still missing.
  assert.equal(await writeCachedCluster(dir, key, cluster), undefined);
  const [file] = readdirSync(dir);
  const bytes = readFileSync(join(dir, file));
  rmSync(join(dir, file));
  writeFileSync(join(dir, `${file}.4242.tmp`), bytes.subarray(0, bytes.length >> 1));
  assert.equal(await readCachedCluster(dir, key), undefined, 'a partial temporary file');
});
