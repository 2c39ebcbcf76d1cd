/**
 * The analysis pipeline: one door to the analysed cluster. `report`, `doctor`, `diff` and the web UI ask it for
 * the model, its engines, the flows traced, the findings and the report data instead of wiring trace, doctor and
 * report themselves. Pure: certificates arrive parsed (the X.509 parser is I/O-side, `src/sources/x509.ts`) and
 * the time to judge them by is given, never read from the clock.
 *
 * @example
 * const analysed = analyseCluster(cluster, { flows, certificates: parseTlsSecrets(cluster.model.routing), now });
 * renderReportText(analysed.report);
 */
import { linkFindings } from './_link.ts';

export { analyseSides, type AnalysedSides, type SideInput, type SidesOptions } from './_sides.ts';
import type { Cluster } from '../api/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { ClusterModel } from '../model/types.ts';
import { discoverFlows, flowsFromClientIntents, type Evidence, type Flow } from '../analysis/flows/index.ts';
import {
  createTraceContext,
  traceFlow,
  type FlowTrace,
  type TraceContext,
  type TraceContextOptions,
} from '../analysis/trace/index.ts';
import { runDoctor, type Finding } from '../analysis/doctor/index.ts';
import { buildReport, type ReportData } from '../analysis/report/index.ts';

export interface AnalyseOptions {
  /** Flows the user declared (`--flows`); ClientIntents found in the manifests are always added after them. */
  readonly flows?: readonly Flow[];
  /** TLS certificates by `namespace/name`, parsed at the rim (`parseTlsSecrets`). */
  readonly certificates?: TraceContextOptions['certificates'];
  /** ISO time certificates are judged at. */
  readonly now?: string;
  /** Report title (the CLI passes the `-f` paths). */
  readonly title?: string;
  /**
   * Add the flows found in the manifests (`discoverFlows`: env, args, ConfigMaps, routes, scrapes, DNS) after the
   * declared ones. Default: on when no flows are declared (`--flows FILE` replaces them, `--discover` merges).
   */
  readonly discover?: boolean;
}

/** Everything kubetwin knows of one cluster, computed once. Who holds it may read any part; nobody mutates it. */
export interface AnalysedCluster {
  readonly model: ClusterModel;
  readonly diagnostics: readonly Diagnostic[];
  /** The trace context: the policy engine (`context.engine`), DNS resolver and routers shared by every answer. */
  readonly context: TraceContext;
  /** Declared flows, then ClientIntents, then discovered flows (`origin: 'discovered'`), each traced hop by hop. */
  readonly traces: readonly FlowTrace[];
  /** What discovery could not turn into flows (names of no Service, entries with no address); empty when off. */
  readonly discoveryNotes: readonly Evidence[];
  readonly findings: readonly Finding[];
  /** The report's data, assembled on first read (doctor and diff may never need it). */
  readonly report: ReportData;
}

/** Traces every flow, runs the doctor and assembles the report data over one shared trace context. */
export function analyseCluster(cluster: Cluster, options: AnalyseOptions = {}): AnalysedCluster {
  const { model, diagnostics } = cluster;
  const context = createTraceContext(model, { certificates: options.certificates, now: options.now });
  const discovery = (options.discover ?? !options.flows?.length) ? discoverFlows(model) : undefined;
  const flows = [...(options.flows ?? []), ...flowsFromClientIntents(model), ...(discovery?.flows ?? [])];
  const traced = flows.map((f) => traceFlow(context, f));
  const findings = runDoctor(model, {
    engine: context.engine,
    flowTraces: traced,
    certificates: options.certificates,
    now: options.now,
    diagnostics,
  });
  const traces = linkFindings(traced, findings);
  let report: ReportData | undefined;
  return {
    model,
    diagnostics,
    context,
    traces,
    discoveryNotes: discovery?.notes ?? [],
    findings,
    get report() {
      return (report ??= buildReport({
        title: options.title ?? '',
        model,
        diagnostics,
        engine: context.engine,
        flows: traces,
        findings,
      }));
    },
  };
}
