/**
 * The HTML report opened in a real browser (Debian's chromium, driven by playwright-core): the page renders, the
 * flow graph SVG has its nodes and edges (broken ones drawn) with no two edge labels overlapping and no edge leaving
 * the drawing, the findings table lists the doctor's errors, and a screenshot is taken and checked to be a real
 * image of the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../src/cli/program.ts';
import { graphGeometry } from './helpers/graph-geometry.ts';
import { tempDir } from './helpers/temp-dir.ts';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

test(
  'report -o html renders in headless Chromium with the graph and the findings',
  { skip: chromium ? false : 'Debian chromium is not installed (apt-get install chromium)' },
  async () => {
    let html = '';
    const code = await run(
      [
        'report',
        '-f',
        'examples/e-commerce/as-documented',
        '--flows',
        'examples/e-commerce/flows.yaml',
        '-o',
        'html',
        '-q',
        '--at',
        '2026-11-01T00:00:00Z',
      ],
      { stdout: (s) => (html += s), stderr: () => {}, readStdin: async () => '' },
    );
    // as-documented has broken flows: report exits 1 (README's exit codes), the HTML is printed all the same.
    assert.equal(code, 1);
    const dir = tempDir('kubetwin-report-');
    const page = join(dir, 'report.html');
    writeFileSync(page, html);
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({
      executablePath: chromium,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await tab.goto(`file://${page}`);
      assert.match(await tab.title(), /kubetwin report/);
      const nodes = await tab.locator('div.graph svg g.node').count();
      const broken = await tab.locator('div.graph svg path.edge-failed').count();
      const delivered = await tab.locator('div.graph svg path.edge-delivered').count();
      assert.ok(nodes >= 10, `graph nodes: ${nodes}`);
      assert.ok(broken > 0 && delivered > 0, `edges: ${broken} broken, ${delivered} delivered`);
      const graphBox = await tab.locator('#graph + div svg').boundingBox();
      assert.ok(
        graphBox && graphBox.width > 400 && graphBox.height > 100,
        'the graph is laid out with a real size',
      );
      const findings = await tab.locator('#findings + table tr').count();
      assert.ok(findings > 10, `findings rows: ${findings}`);
      assert.match(await tab.locator('#findings + table').innerText(), /peer-selects-nothing/);
      assert.match(await tab.locator('#card-flows').innerText(), /3\/9/);
      const shot = join(dir, 'report.png');
      await tab.screenshot({ path: shot });
      const png = readFileSync(shot);
      assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
      assert.ok(png.length > 20_000, `screenshot size ${png.length}`);
      // The graph reads: no two edge labels overlap, no edge leaves the drawing (the old layout clipped loops).
      const geo = await graphGeometry(tab, '#graph + div svg');
      assert.ok(geo.labels >= 10 && geo.edges >= 10, JSON.stringify(geo));
      assert.deepEqual(geo.overlapping, []);
      assert.deepEqual(geo.outside, []);
      const graphShot = await tab.locator('#graph + div').screenshot({ path: join(dir, 'graph.png') });
      assert.ok(graphShot.length > 10_000);
    } finally {
      await browser.close();
    }
  },
);
