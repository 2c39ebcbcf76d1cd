import type { DoctorRule, Finding } from './types.ts';
import type { FlowTrace } from '../trace/index.ts';

/** Declared flows (a flows file, Otterize ClientIntents) that are not delivered, with the hop and rule to blame. */
export const flowBlocked: DoctorRule = {
  code: 'flow-blocked',
  severity: 'error',
  summary: 'a declared flow step that is not delivered (traced hop by hop), with the failing hop and a fix',
  check: ({ flowTraces }) =>
    (flowTraces ?? []).flatMap((ft) =>
      ft.steps
        .filter((s) => s.trace.outcome !== 'delivered')
        .map(
          (s): Finding =>
            undecidedFlow(ft.flow, s) ?? {
              code: 'flow-blocked',
              severity: s.trace.outcome === 'failed' ? 'error' : 'warning',
              message: `flow "${ft.flow.name}": ${s.step.text} is ${s.trace.outcome === 'failed' ? 'NOT delivered' : 'only partly delivered'}${s.trace.failure ? ` — ${s.trace.failure.reason}` : ''}`,
              objects: [
                {
                  key: ft.flow.origin === 'flows-file' ? `flow/${ft.flow.name}` : ft.flow.origin,
                  source: s.step.source,
                },
                ...s.trace.hops.filter((h) => h.verdict === 'fail').flatMap((h) => h.objects.slice(0, 2)),
              ],
              breaks: `${s.step.text} ${s.trace.outcome === 'failed' ? 'fails' : 'fails for some of the destinations kube-proxy may pick'}`,
              fix: s.trace.fix?.summary ?? 'See `kubetwin trace` for the hop that fails.',
              ...(s.trace.fix?.patch ? { patch: s.trace.fix.patch } : {}),
            },
        ),
    ),
};

/**
 * A flow step that fails only at a hop the input cannot decide (a public hostname the profile's externalHosts does
 * not list, as in every ingress-nginx and Gateway API docs example) is unknown, not blocked: an info finding, so
 * `doctor` does not report the cluster broken for what kubetwin was not told.
 */
function undecidedFlow(flow: FlowTrace['flow'], s: FlowTrace['steps'][number]): Finding | undefined {
  const { name, origin } = flow;
  const failing = s.trace.hops.find((h) => h.verdict === 'fail');
  if (s.trace.outcome !== 'failed' || !failing?.undecided) return undefined;
  return {
    code: 'flow-blocked',
    severity: 'info',
    message: `flow "${name}": ${s.step.text} could not be traced: ${failing.undecided}`,
    objects: [{ key: origin === 'flows-file' ? `flow/${name}` : origin, source: s.step.source }],
    breaks: `unknown: whether ${s.step.text} is delivered depends on what kubetwin was not given`,
    fix: s.trace.fix?.summary ?? 'See `kubetwin trace` for the hop that could not be decided.',
  };
}
