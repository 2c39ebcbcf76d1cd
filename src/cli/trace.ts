import { Command, Option } from 'commander';
import {
  parseFlowSource,
  parseFlowTarget,
  readFlowsFile,
  flowsFromClientIntents,
  discoverFlows,
  type Flow,
  type FlowTarget,
} from '../analysis/flows/index.ts';
import {
  createTraceContext,
  trace,
  traceFlow,
  type JudgedFlow,
  type Trace,
} from '../analysis/trace/index.ts';
import { renderTraceText, renderFlowTracesText } from '../render/trace-text.ts';
import { renderTraceMd, renderFlowTracesMd } from '../render/trace-md.ts';
import { renderHubble } from '../render/hubble.ts';
import { parseManifests } from '../parse/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { Protocol } from '../model/types.ts';
import { renderDiagnostics } from '../render/diagnostics.ts';
import { parseTlsSecrets } from '../sources/x509.ts';
import { readFile } from 'node:fs/promises';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface TraceOptions extends InputOptions {
  from?: string;
  port?: string;
  protocol?: Protocol;
  flows?: string;
  discover?: boolean;
  output: 'text' | 'json' | 'md' | 'hubble';
  at?: string;
  request?: string;
  header?: string[];
}

/** Reads declared flows from a file (and ClientIntents in the model); problems are printed, exit 2 on errors. */
export async function loadFlows(
  path: string,
  io: Pick<Io, 'stderr'>,
): Promise<{ flows: Flow[]; errors: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    io.stderr(`${path}: error input-not-found: no such flows file\n`);
    return { flows: [], errors: true };
  }
  const ds: Diagnostic[] = [];
  const parsed = parseManifests([{ file: path, text }]);
  ds.push(...parsed.diagnostics);
  const flows = readFlowsFile(parsed.objects, (d) => ds.push(d));
  if (ds.length) io.stderr(renderDiagnostics(ds));
  return { flows, errors: ds.some((d) => d.severity === 'error') };
}

/** `kubetwin trace -f … --from REF|internet TARGET` or `--flows FILE`: follow requests hop by hop. */
export function traceCommand(io: Io): Command {
  const cmd = new Command('trace')
    .description(
      'follow a request hop by hop (DNS, load balancer, ingress, Service, endpoints, policy) to where it lands or fails',
    )
    .argument(
      '[target]',
      'a URL (https://host/path, tcp://host:port), NAME:PORT, service:NS/NAME:PORT, ip:ADDR:PORT, or NS/NAME with --port',
    )
    .option('--from <ref>', 'where the request starts: NS/NAME (pod or workload), ip:ADDRESS, or internet')
    .option('--port <port>', 'port, for targets that carry none')
    .addOption(
      new Option('--protocol <protocol>', 'protocol, for targets that carry none').choices([
        'TCP',
        'UDP',
        'SCTP',
      ]),
    )
    .option(
      '--flows <file>',
      'trace every step of the declared flows in this file (and ClientIntents in the manifests)',
    )
    .option(
      '--discover',
      'trace the flows found in the manifests (kubetwin flows) too; the default with no TARGET and no --flows',
    )
    .option('--at <time>', 'judge certificates at this ISO time instead of now')
    .option(
      '-X, --request <method>',
      'HTTP method of an http(s):// URL target (default GET): ingress routes and Cilium L7 rules match it',
    )
    .addOption(
      new Option(
        '-H, --header <header>',
        "request header 'Name: value' of an http(s):// URL target (repeatable): ingress, Gateway, mesh and Cilium L7 rules match it",
      ).argParser((v: string, prev: string[] = []) => [...prev, v]),
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'output format (hubble: the judged connections as `hubble observe -o json` prints flows)',
      )
        .choices(['text', 'json', 'md', 'hubble'])
        .default('text'),
    );
  withInputOptions(cmd).action(async (target: string | undefined, opts: TraceOptions) => {
    // No target and no flows file: the flows the manifests imply are traced.
    const discover = opts.discover || (!opts.flows && !target && !opts.from);
    if (!opts.flows && !discover && (!target || !opts.from)) {
      io.stderr(
        'error: give --from REF and a TARGET, or --flows FILE (or neither, to trace the flows found)\n',
      );
      return io.exit(exitCodes.input);
    }
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const model = loaded.cluster.model;
    const judged: JudgedFlow[] = [];
    const ctx = createTraceContext(model, {
      certificates: parseTlsSecrets(model.routing),
      now: opts.at ? new Date(opts.at).toISOString() : new Date().toISOString(),
      ...(opts.output === 'hubble' ? { onJudged: (f: JudgedFlow) => judged.push(f) } : {}),
    });
    if (opts.flows || discover) {
      const { flows, errors } = opts.flows ? await loadFlows(opts.flows, io) : { flows: [], errors: false };
      if (errors) return io.exit(exitCodes.input);
      const found = discover ? discoverFlows(model).flows : [];
      if (discover && !opts.flows)
        io.stderr(`no --flows: tracing the ${found.length} flows found in the manifests (kubetwin flows)\n`);
      const traces = [...flows, ...flowsFromClientIntents(model), ...found].map((f) => traceFlow(ctx, f));
      if (opts.output === 'json')
        io.stdout(
          JSON.stringify(
            {
              flows: traces.map((t) => ({
                name: t.flow.name,
                outcome: t.outcome,
                steps: t.steps.map((s) => s.trace),
              })),
            },
            null,
            2,
          ) + '\n',
        );
      else if (opts.output === 'hubble') io.stdout(renderHubble(model, judged));
      else io.stdout(opts.output === 'md' ? renderFlowTracesMd(traces) : renderFlowTracesText(traces));
      return io.exit(
        loaded.inputExit ||
          (traces.every((t) => t.steps.every((s) => answeredDelivered(s.trace)))
            ? exitCodes.ok
            : exitCodes.findings),
      );
    }
    const from = parseFlowSource(opts.from!, opts.namespace);
    const port = opts.port ? Number(opts.port) : undefined;
    const parsed = parseFlowTarget(target!, port, opts.protocol, opts.namespace);
    const withM = opts.request ? withMethod(parsed, opts.request) : parsed;
    const to = opts.header?.length ? withHeaders(withM, opts.header) : withM;
    if (typeof from === 'string' || typeof to === 'string') {
      io.stderr(`error: ${typeof from === 'string' ? `--from ${from}` : to}\n`);
      return io.exit(exitCodes.input);
    }
    if (
      from.kind === 'ref' &&
      !model.pods.some((p) => p.namespace === from.namespace && p.name === from.name) &&
      !model.workloads.some((w) => w.namespace === from.namespace && w.name === from.name)
    ) {
      io.stderr(
        `error: --from ${from.namespace}/${from.name}: no pod or workload of that name (use NAMESPACE/NAME, ip:ADDRESS or internet)\n`,
      );
      return io.exit(exitCodes.input);
    }
    const t = trace(ctx, from, to);
    io.stdout(
      opts.output === 'hubble'
        ? renderHubble(model, judged)
        : opts.output === 'json'
          ? JSON.stringify(t, null, 2) + '\n'
          : opts.output === 'md'
            ? renderTraceMd(t)
            : renderTraceText(t),
    );
    io.exit(loaded.inputExit || (answeredDelivered(t) ? exitCodes.ok : exitCodes.findings));
  });
  return cmd;
}

/** Delivered, and no object kubetwin does not model may change it: an unknown is not a pass (exit 1). */
const answeredDelivered = (t: Trace) => t.outcome === 'delivered' && !t.unknown?.length;

/**
 * The target with `-H 'Name: value'` headers (names lowercased, as HTTP/2 and Envoy carry them); an error message
 * unless it is an http(s):// URL. https://www.rfc-editor.org/rfc/rfc9110#section-5.1 (field names are case-insensitive)
 */
function withHeaders(to: FlowTarget | string, headers: readonly string[]): FlowTarget | string {
  if (typeof to === 'string') return to;
  if (to.kind !== 'url' || (to.scheme !== 'http' && to.scheme !== 'https'))
    return `-H: a header applies to an http:// or https:// URL target only`;
  const out: Record<string, string> = {};
  for (const h of headers) {
    const i = h.indexOf(':');
    if (i <= 0) return `-H ${h}: not of the form "Name: value"`;
    out[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return { ...to, headers: out };
}

/** The target with `-X METHOD`; an error message unless it is an http(s):// URL (other targets carry no request). */
function withMethod(to: FlowTarget | string, method: string): FlowTarget | string {
  if (typeof to === 'string') return to;
  if (to.kind !== 'url' || (to.scheme !== 'http' && to.scheme !== 'https'))
    return `-X ${method}: a method applies to an http:// or https:// URL target only`;
  if (!/^[A-Za-z]+$/.test(method)) return `-X ${method}: not an HTTP method (letters only, e.g. POST)`;
  return { ...to, method: method.toUpperCase() };
}
