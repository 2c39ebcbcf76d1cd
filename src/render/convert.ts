import { describeOutcome, type ConversionResult } from '../analysis/convert/index.ts';

/** The `convert ingress-to-gateway` report (stderr beside the YAML): equivalence per class, then what was not converted. */
export function renderConversionReport(r: ConversionResult): string {
  const lines: string[] = [];
  for (const c of r.classes) {
    lines.push(
      `IngressClass ${c.ingressClass} (controller profile ${c.profile}) → Gateway ${c.gateway.namespace}/${c.gateway.name}: ${c.ingresses.length} Ingress(es), ${c.samples} sample requests, ${c.differences.length ? `${c.differences.length} DIFFERENT` : 'all routed the same'}`,
    );
    for (const d of c.differences)
      lines.push(
        `  DIFFERS ${d.url} (${d.why})`,
        `    Ingress: ${describeOutcome(d.ingress)}`,
        `    Gateway: ${describeOutcome(d.gateway)}`,
      );
  }
  for (const p of r.rebuildProblems) lines.push(`PROBLEM reading the emitted manifests back: ${p}`);
  if (r.unconvertible.length) {
    lines.push('', `Not converted or changed (${r.unconvertible.length}):`);
    for (const u of r.unconvertible) lines.push(`  ${u.object} ${u.what}: ${u.reason}`);
  } else lines.push('Everything was converted.');
  return lines.join('\n') + '\n';
}

/** The `-o json` document: the objects, the equivalence check and what was not converted. */
export const conversionJson = (r: ConversionResult) => ({
  objects: r.objects,
  classes: r.classes,
  unconvertible: r.unconvertible,
  rebuildProblems: r.rebuildProblems,
});
