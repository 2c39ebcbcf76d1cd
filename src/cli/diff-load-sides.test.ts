import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildMemo } from '../cluster/index.ts';
import { loadSide, loadSides, type LoadedSide } from './_diff-load.ts';
import { shopWebDeployment } from '../../test/helpers/shop.ts';

const app = (port: number) => `${shopWebDeployment}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: ${port}, targetPort: 8080}]}
`;

const plain = (s: LoadedSide) =>
  JSON.parse(
    JSON.stringify({
      model: s.cluster.model,
      diagnostics: s.diagnostics,
      objects: s.objects.map((o) => ({ body: o.body, source: o.source })),
    }),
  ) as unknown;

const options = (stdin = '') => ({
  namespace: 'default',
  readStdin: async () => stdin,
  parsed: new Map(),
  memo: new BuildMemo(),
});

test('diff loadSides: both sides read at once, then built in order, equal each side loaded one after the other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-sides-'));
  try {
    for (const [side, port] of [
      ['base', 80],
      ['head', 81],
    ] as const) {
      mkdirSync(join(dir, side));
      writeFileSync(join(dir, side, 'app.yaml'), app(port));
      writeFileSync(join(dir, side, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    }
    const base = { kind: 'files' as const, paths: [join(dir, 'base')] };
    const head = { kind: 'files' as const, paths: [join(dir, 'head')] };
    const opts = options();
    const [a, b] = await loadSides(base, head, opts);
    const one = options();
    const a1 = await loadSide(base, one);
    const b1 = await loadSide(head, one);
    assert.deepEqual(plain(a), plain(a1));
    assert.deepEqual(plain(b), plain(b1));
    assert.equal(opts.memo.reused.podPhases, true, 'the after side took over the before side’s pod phases');
    // A side reading stdin is read alone, and gets stdin.
    const [s, f] = await loadSides({ kind: 'files', paths: ['-'] }, head, options(app(90)));
    assert.equal(s.objects.length, 2);
    assert.equal(s.objects[0].source.file, '<stdin>');
    assert.deepEqual(plain(f), plain(await loadSide(head, options())));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
