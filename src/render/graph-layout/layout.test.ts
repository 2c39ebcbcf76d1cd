import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  layoutGraph,
  renderGraphSvg,
  type Box,
  type LaidOutGraph,
  type LayoutEdge,
  type LayoutNode,
} from './index.ts';

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
const inside = (b: Box, x: number, y: number) =>
  x >= b.x - 0.5 && x <= b.x + b.w + 0.5 && y >= b.y - 0.5 && y <= b.y + b.h + 0.5;

/** Geometry every laid-out graph must have: labels apart, edges and boxes inside the drawing. */
function assertReadable(g: LaidOutGraph): void {
  const labels = g.edges.filter((e) => e.label).map((e) => e.labelBox);
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++)
      assert.ok(!overlaps(labels[i], labels[j]), `labels ${i} and ${j} overlap`);
  const all = { x: 0, y: 0, w: g.width, h: g.height };
  for (const e of g.edges)
    for (const [x, y] of e.points) assert.ok(inside(all, x, y), `${e.id} leaves the box`);
  for (const n of g.nodes) assert.ok(inside(all, n.x, n.y) && inside(all, n.x + n.w, n.y + n.h));
}

const shop: LayoutNode[] = ['front-end', 'catalogue', 'catalogue-db', 'carts', 'carts-db', 'orders'].map(
  (n) => ({
    id: `shop/${n}`,
    label: n,
    group: 'shop',
  }),
);
const shopEdges: LayoutEdge[] = [
  ['front-end', 'catalogue', '80'],
  ['catalogue', 'catalogue-db', '3306'],
  ['front-end', 'carts', '80'],
  ['carts', 'carts-db', '27017'],
  ['front-end', 'orders', '80'],
  ['orders', 'carts', '80'],
].map(([a, b, p]) => ({ from: `shop/${a}`, to: `shop/${b}`, label: p, verdict: 'delivered' as const }));

test('same-namespace edges are drawn inside their island (no loop clipped by the SVG box)', async () => {
  const g = await layoutGraph(shop, shopEdges);
  assert.equal(g.groups.length, 1);
  const island = g.groups[0];
  for (const e of g.edges)
    for (const [x, y] of e.points) assert.ok(inside(island, x, y), `${e.id} leaves the island`);
  assertReadable(g);
});

test('edge labels between the same two nodes on different ports do not overlap', async () => {
  const nodes: LayoutNode[] = [
    { id: 'a/gw', label: 'gw', group: 'a' },
    { id: 'b/mq', label: 'mq', group: 'b' },
    { id: 'b/db', label: 'db', group: 'b' },
    { id: 'internet', label: 'internet', group: '(outside)', kind: 'outside' },
  ];
  const edges: LayoutEdge[] = [
    { from: 'internet', to: 'a/gw', label: '443', verdict: 'delivered' },
    { from: 'a/gw', to: 'b/mq', label: '5672', verdict: 'failed' },
    { from: 'a/gw', to: 'b/mq', label: '8000', verdict: 'failed' },
    { from: 'a/gw', to: 'b/db', label: '5432', verdict: 'partial' },
    { from: 'b/mq', to: 'a/gw', label: '8080', verdict: 'allowed' },
  ];
  const g = await layoutGraph(nodes, edges);
  assert.equal(g.edges.length, 5);
  assertReadable(g);
  const svg = renderGraphSvg(g);
  assert.equal((svg.match(/<path class="edge /g) ?? []).length, 5);
  assert.match(svg, /5672 ✗/);
});

test('past the size limit every namespace is one node with its count, edges merged with their ports', async () => {
  const nodes: LayoutNode[] = [];
  const edges: LayoutEdge[] = [];
  for (let ns = 0; ns < 10; ns++)
    for (let w = 0; w < 30; w++) {
      nodes.push({ id: `ns-${ns}/w-${w}`, label: `w-${w}`, group: `ns-${ns}` });
      if (w) edges.push({ from: `ns-${ns}/w-0`, to: `ns-${ns}/w-${w}`, label: '80', verdict: 'delivered' });
      if (ns && w < 3)
        edges.push({
          from: `ns-${ns - 1}/w-${w}`,
          to: `ns-${ns}/w-0`,
          label: String(8000 + w),
          verdict: w ? 'delivered' : 'failed',
        });
    }
  const g = await layoutGraph(nodes, edges, { maxNodes: 150 });
  assert.equal(g.input.nodes, 300);
  assert.equal(g.nodes.length, 10);
  assert.deepEqual(g.aggregated.length, 10);
  assert.equal(
    g.nodes.reduce((n, x) => n + (x.count ?? 0), 0),
    300,
  );
  assert.equal(g.edges.length, 9);
  const e = g.edges.find((x) => x.from === 'namespace:ns-0' && x.to === 'namespace:ns-1')!;
  assert.equal(e.count, 3);
  assert.equal(e.label, '8000, 8001, 8002');
  assert.equal(e.verdict, 'partial');
  assert.match(renderGraphSvg(g), /30 objects inside/);
  assertReadable(g);
});

test('collapse draws one namespace as a node and keeps the others as islands', async () => {
  const nodes = [...shop, { id: 'web/ui', label: 'ui', group: 'web' }];
  const edges = [
    ...shopEdges,
    { from: 'web/ui', to: 'shop/front-end', label: '8079', verdict: 'failed' as const },
  ];
  const g = await layoutGraph(nodes, edges, { collapse: ['shop'] });
  assert.deepEqual(g.aggregated, ['shop']);
  assert.deepEqual(
    g.nodes.map((n) => n.id),
    ['namespace:shop', 'web/ui'],
  );
  assert.deepEqual(
    g.edges.map((e) => [e.from, e.to, e.label]),
    [['web/ui', 'namespace:shop', '8079']],
  );
});

test('the same input gives the same layout', async () => {
  const a = renderGraphSvg(await layoutGraph(shop, shopEdges));
  const b = renderGraphSvg(await layoutGraph(shop, shopEdges));
  assert.equal(a, b);
});
