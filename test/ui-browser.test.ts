/**
 * `kubetwin ui` in a real browser (Debian's chromium through playwright-core), one browser for every check:
 * the page loads without console errors on the e-commerce example; clicking an edge shows its trace hop by hop;
 * filtering hides what it should; no two edge labels overlap and no edge leaves its SVG (from element geometry);
 * --watch pushes a change to the open page; screenshots of the e-commerce and one-namespace graphs are kept
 * in test-artifacts/ (gitignored).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startUi, type RunningUi, type UiOptions } from '../src/cli/ui.ts';
import { graphGeometry } from './helpers/graph-geometry.ts';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const skip = chromium ? false : 'Debian chromium is not installed (apt-get install chromium)';
const artifacts = 'test-artifacts';
const io = { stdout: () => {}, stderr: () => {}, exit: () => {}, readStdin: async () => '' };
const base: UiOptions = {
  listen: '127.0.0.1:0',
  quiet: true,
  namespace: 'default',
  at: '2026-11-01T00:00:00Z',
};

let browser: Browser | undefined;
let shop: Awaited<ReturnType<typeof open>> | undefined;
const eCommerce = async () =>
  (shop ??= await open({
    file: ['examples/e-commerce/as-documented'],
    flows: 'examples/e-commerce/flows.yaml',
  }));
const running: RunningUi[] = [];

async function open(opts: Partial<UiOptions>, viewport = { width: 1280, height: 800 }) {
  const ui = await startUi({ ...base, ...opts }, io);
  assert.ok(typeof ui !== 'number', 'the ui starts');
  running.push(ui);
  const page = await browser!.newPage({ viewport });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(ui.url);
  await page.waitForSelector('body[data-ready]', { timeout: 20_000 });
  return { ui, page, errors };
}

async function assertGraphReads(page: Page): Promise<void> {
  const geo = await graphGeometry(page, '#graph svg');
  assert.ok(geo.edges > 5, JSON.stringify(geo));
  assert.deepEqual(geo.overlapping, [], 'no two edge labels overlap');
  assert.deepEqual(geo.outside, [], 'no edge leaves the SVG box');
}

before(async () => {
  if (!chromium) return;
  mkdirSync(artifacts, { recursive: true });
  const { chromium: pw } = await import('playwright-core');
  browser = await pw.launch({
    executablePath: chromium,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  for (const ui of running) await ui.close();
  await browser?.close();
});

test(
  'the e-commerce graph loads without console errors, reads, and a click on an edge shows its trace',
  { skip },
  async () => {
    const { page, errors } = await eCommerce();
    await assertGraphReads(page);
    await page.locator('#canvas').screenshot({ path: join(artifacts, 'ui-e-commerce.png') });
    // api-gateway → auth-service on 8000 is denied by the as-documented policies.
    const edge = page.locator(
      'path.edge[data-from="e-commerce/api-gateway"][data-to="e-commerce/auth-service"]',
    );
    await edge.dispatchEvent('click');
    await page.waitForSelector('#trace-hops li', { timeout: 20_000 });
    assert.match(await page.locator('#trace-outcome').innerText(), /failed/);
    assert.match(await page.locator('#reach-verdict').innerText(), /DENIED/);
    await page.screenshot({ path: join(artifacts, 'ui-e-commerce-trace.png') });
    // Each hop names the YAML that decided it; following a link shows that document with the line.
    await page.locator('#trace-hops button.src').first().click();
    await page.waitForSelector('#source pre .hl', { timeout: 10_000 });
    assert.match(await page.locator('#source h3').innerText(), /\.yaml:\d+$/);
    assert.deepEqual(errors, []);
  },
);

test('filters hide what they should: a namespace, a verdict, a port', { skip }, async () => {
  const { page } = await eCommerce();
  const visible = (sel: string) => page.locator(`#graph svg ${sel}:not(.hidden)`).count();
  assert.ok((await visible('g.node[data-group="monitoring"]')) > 0);
  await page.locator('#f-namespaces input[value="monitoring"]').uncheck();
  assert.equal(await visible('g.node[data-group="monitoring"]'), 0);
  assert.equal(await visible('path.edge[data-from="monitoring/prometheus"]'), 0);
  assert.ok((await visible('path.edge-failed')) > 0);
  await page.locator('input[name=verdict][value=failed]').uncheck();
  assert.equal(await visible('path.edge-failed'), 0);
  assert.ok((await visible('path.edge-delivered')) > 0);
  await page.selectOption('#f-port', '53');
  const ports = await page
    .locator('#graph svg path.edge:not(.hidden)')
    .evaluateAll((es) => es.map((e) => e.getAttribute('data-port')));
  assert.ok(ports.length > 0 && ports.every((p) => p!.split(/,\s*/).includes('53')), JSON.stringify(ports));
  await assertGraphReads(page);
});

test(
  'a one-namespace app: edges stay inside the island; screenshot at 1280×800 and phone width',
  { skip },
  async () => {
    const dir = 'testdata/ui/one-namespace';
    const { page, errors } = await open({
      file: [`${dir}/shop.yaml`, `${dir}/policies.yaml`],
      flows: `${dir}/flows.yaml`,
    });
    await assertGraphReads(page);
    // Every edge between two nodes of one namespace (the shop's flows, its Services to their workloads) is
    // drawn inside that namespace's island.
    const outsideIsland = await page.evaluate(() => {
      const groups = new Map<string, string>();
      for (const n of document.querySelectorAll('#graph svg g.node'))
        groups.set(n.getAttribute('data-node')!, n.getAttribute('data-group')!);
      const out: string[] = [];
      let checked = 0;
      for (const p of document.querySelectorAll('#graph svg path.edge')) {
        const g = groups.get(p.getAttribute('data-from')!);
        if (!g || g !== groups.get(p.getAttribute('data-to')!)) continue;
        const island = document.querySelector(
          `#graph svg g.group[data-group="${CSS.escape(g)}"] rect`,
        ) as SVGGraphicsElement;
        const b = island.getBBox();
        const e = (p as SVGGraphicsElement).getBBox();
        checked++;
        if (!(e.x >= b.x && e.y >= b.y && e.x + e.width <= b.x + b.width && e.y + e.height <= b.y + b.height))
          out.push(`${p.getAttribute('data-from')} → ${p.getAttribute('data-to')}`);
      }
      return checked ? out : ['no same-namespace edge drawn'];
    });
    assert.deepEqual(outsideIsland, [], 'every same-namespace edge is drawn inside its island');
    const services = await page.locator('#graph svg g.node-service[data-group="sock-shop"]').count();
    assert.ok(services >= 3, `the shop's Services are nodes of their own (${services})`);
    await page.screenshot({ path: join(artifacts, 'ui-one-namespace.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'ui-phone.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `no horizontal scrolling at phone width (${overflow}px)`);
    assert.deepEqual(errors, []);
  },
);

test('--watch: a changed file reaches the open page without reload', { skip }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'kubetwin-ui-'));
  try {
    cpSync('testdata/ui/one-namespace', tmp, { recursive: true });
    const { page } = await open({
      file: [join(tmp, 'shop.yaml'), join(tmp, 'policies.yaml')],
      flows: join(tmp, 'flows.yaml'),
      watch: true,
    });
    const failedBefore = await page.locator('#graph svg path.edge-failed').count();
    assert.equal(failedBefore, 1, 'carts → carts-db is broken');
    const policies = join(tmp, 'policies.yaml');
    writeFileSync(policies, readFileSync(policies, 'utf8').replace(/^(\s+)app: carts$/m, '$1name: carts'));
    // Wait for the state with the fix (a burst of watch events may first give a version without it).
    await page.waitForFunction(
      () =>
        Number(document.body.dataset.ready) >= 2 &&
        document.querySelectorAll('#graph svg path.edge').length > 0 &&
        document.querySelectorAll('#graph svg path.edge-failed').length === 0,
      undefined,
      { timeout: 20_000 },
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test(
  'the Diff view (--base … -f …): the changed edges marked on the graph, the diff sections beside it',
  { skip },
  async () => {
    const { page, errors } = await open({
      base: ['examples/e-commerce/as-documented'],
      file: ['examples/e-commerce/fixed'],
      flows: 'examples/e-commerce/flows.yaml',
    });
    await page.locator('#tab-diff').click();
    await page.waitForSelector('body[data-diff]', { timeout: 20_000 });
    // The same analysis as `kubetwin diff`: the repairs the example README names show up as fixed flows.
    const sections = await page.locator('#diff-sections').innerText();
    assert.match(sections, /^flow \(\d+\)/m);
    assert.match(await page.locator('#diff-summary').innerText(), /flows\s+\d+ fixed, 0 broken/);
    const marked = await page.locator('#diff-graph svg path.edge[data-mark]').count();
    assert.ok(marked > 0, 'some edges are marked as changed');
    const geo = await graphGeometry(page, '#diff-graph svg');
    assert.deepEqual(geo.overlapping, [], 'no two edge labels overlap');
    assert.deepEqual(geo.outside, [], 'no edge leaves the SVG box');
    // An effect with an edge highlights it, from the keyboard too.
    const item = page.locator('#diff-sections li.effect[role=button]').first();
    if ((await item.count()) > 0) {
      await item.focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('#diff-graph svg path.edge.selected').count(), 1);
    }
    await page.screenshot({ path: join(artifacts, 'ui-diff.png'), fullPage: true });
    assert.deepEqual(errors, []);
  },
);

test('without --base the Diff view says how to get one, without errors', { skip }, async () => {
  const { page, errors } = await eCommerce();
  await page.locator('#tab-diff').click();
  await page.waitForSelector('body[data-diff]', { timeout: 20_000 });
  assert.match(await page.locator('#diff').innerText(), /--base/);
  await page.locator('#tab-graph').click();
  assert.deepEqual(errors, []);
});

test('keyboard: Tab reaches a node, Enter selects it, + zooms; tabs switch views', { skip }, async () => {
  const { page, errors } = await eCommerce();
  await page.locator('#tab-graph').focus();
  await page.keyboard.press('Enter');
  const node = page.locator('#graph svg g.node[data-node="e-commerce/auth-service"]');
  await node.focus();
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('data-node')),
    'e-commerce/auth-service',
  );
  await page.keyboard.press('Enter');
  await page.waitForFunction(() =>
    /auth-service/.test(document.querySelector('#selection')?.textContent ?? ''),
  );
  await page.waitForSelector('#selection h3', { timeout: 10_000 });
  // Tab order: from the node, Tab moves on to another focusable element of the page (no trap).
  await page.keyboard.press('Tab');
  assert.notEqual(
    await page.evaluate(() => document.activeElement?.getAttribute('data-node')),
    'e-commerce/auth-service',
  );
  const before = await page.locator('#graph svg').getAttribute('viewBox');
  await page.locator('#canvas').focus();
  await page.keyboard.press('+');
  assert.notEqual(await page.locator('#graph svg').getAttribute('viewBox'), before, '+ zooms the graph');
  await page.locator('#tab-findings').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#view-findings').isVisible(), true);
  await page.locator('#tab-graph').click();
  assert.deepEqual(errors, []);
});
