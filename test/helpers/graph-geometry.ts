/**
 * Geometry checks of a drawn graph, run inside the page (playwright's `evaluate`): from the elements' own boxes
 * (`getBBox` in SVG user units), never by eye. Shared by the report and UI browser tests.
 */
import type { Page } from 'playwright-core';

export interface GraphGeometry {
  readonly labels: number;
  readonly edges: number;
  /** Pairs of edge labels whose boxes intersect, by index. */
  readonly overlapping: readonly (readonly [number, number])[];
  /** Edges whose box reaches outside the SVG's viewBox. */
  readonly outside: readonly string[];
}

export async function graphGeometry(page: Page, svgSelector: string): Promise<GraphGeometry> {
  return page.evaluate((sel) => {
    const svg = document.querySelector(sel) as SVGSVGElement | null;
    if (!svg) throw new Error(`no ${sel}`);
    // The drawing's own size (the UI's zoom changes the viewBox, not the drawing).
    const vb = svg.dataset.width
      ? { x: 0, y: 0, width: Number(svg.dataset.width), height: Number(svg.dataset.height) }
      : svg.viewBox.baseVal;
    const labels = [...svg.querySelectorAll('g.edge-label:not(.hidden) rect')].map((r) =>
      (r as SVGGraphicsElement).getBBox(),
    );
    const overlapping: [number, number][] = [];
    for (let i = 0; i < labels.length; i++)
      for (let j = i + 1; j < labels.length; j++) {
        const a = labels[i];
        const b = labels[j];
        if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)
          overlapping.push([i, j]);
      }
    const edges = [...svg.querySelectorAll('path.edge')] as SVGGraphicsElement[];
    const outside = edges
      .filter((e) => {
        const b = e.getBBox();
        return (
          b.x < vb.x - 1 ||
          b.y < vb.y - 1 ||
          b.x + b.width > vb.x + vb.width + 1 ||
          b.y + b.height > vb.y + vb.height + 1
        );
      })
      .map((e) => e.getAttribute('data-edge') ?? '?');
    return { labels: labels.length, edges: edges.length, overlapping, outside };
  }, svgSelector);
}
