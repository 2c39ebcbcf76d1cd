import type { FlowTrace } from '../trace/index.ts';

/**
 * The report's flow line, the same words in every format: how many flows and steps were delivered, how many are
 * unknown (an object kubetwin does not model touches them), and — when there are none — that nothing was traced
 * and how to declare some. "0/0 delivered" alone read as a clean bill of health.
 */
export function describeFlowTotals(flows: readonly FlowTrace[]): string {
  if (!flows.length)
    return 'none declared and none found in the manifests: nothing traced (pass --flows FILE, or see kubetwin flows)';
  const steps = flows.flatMap((f) => f.steps);
  const delivered = flows.filter((f) => f.outcome === 'delivered').length;
  const stepsDelivered = steps.filter((s) => s.trace.outcome === 'delivered').length;
  const unknown = flows.filter((f) => f.steps.some((s) => s.trace.unknown?.length)).length;
  const unknownText = unknown
    ? `, ${unknown} of them unknown (objects kubetwin does not model may change them)`
    : '';
  return `${delivered}/${flows.length} delivered (${stepsDelivered}/${steps.length} steps)${unknownText}`;
}
