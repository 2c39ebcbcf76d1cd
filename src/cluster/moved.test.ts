import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alikeUpToFiles, moved } from './_moved.ts';

const at = (file: string, line = 1) => ({ file, doc: 0, line, column: 1 });

test('moved renames the files of positions, keeps what holds none, and copies a shared part once', () => {
  const labels = { app: 'web' };
  const source = at('base/a.yaml', 3);
  const pods = [
    { name: 'p1', labels, source },
    { name: 'p2', labels, source },
    { name: 'p3', labels, source: at('other.yaml') },
  ];
  const files = new Map([['base/a.yaml', 'a.yaml']]);
  const got = moved(pods, files);
  assert.deepEqual(got[0].source, at('a.yaml', 3));
  assert.equal(got[0].source, got[1].source, 'one position shared before, one after');
  assert.equal(got[0].labels, labels, 'no position inside: the same object');
  assert.equal(got[2], pods[2], 'a position in a file not renamed: kept');
  assert.deepEqual(pods[0].source, at('base/a.yaml', 3), 'the input is not changed');
  assert.equal(moved(pods, new Map([['base/a.yaml', 'base/a.yaml']])), pods, 'no renaming: no walk');
});

test('alikeUpToFiles: equal but for files renamed one to one, and nothing else', () => {
  const files = new Map<string, string>();
  assert.ok(alikeUpToFiles({ n: 1, source: at('x') }, { n: 1, source: at('y') }, files));
  assert.deepEqual([...files], [['x', 'y']]);
  assert.ok(!alikeUpToFiles({ source: at('x') }, { source: at('z') }, files), 'x is already y');
  assert.ok(!alikeUpToFiles({ source: at('x', 1) }, { source: at('y', 2) }, new Map()), 'another line');
  assert.ok(!alikeUpToFiles({ n: 1 }, { n: 2 }, new Map()));
  assert.ok(!alikeUpToFiles(new Map([[1, 1]]), new Map([[1, 2]]), new Map()), 'a Map is not walked');
});
