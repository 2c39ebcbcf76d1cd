import { Command, Option } from 'commander';
import { externalNamePath, servicePath, type Client } from '../analysis/service-path/index.ts';
import { clientPod, compileMesh, meshEndpointNotes } from '../analysis/mesh/index.ts';
import { renderEndpoints, renderExternalName } from '../render/endpoints.ts';
import { canonicalIP } from '../lib/ip.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface EndpointsOptions extends InputOptions {
  port?: string;
  from?: string;
  clientIp?: string;
  via?: string;
  requests?: string;
  output: 'text' | 'json';
}

/** `service:ns/NAME` or `ns/NAME` (the argument can only be a Service, as for `kubectl get endpoints`) → `ns/NAME`. */
export function serviceName(target: string): string | undefined {
  const m = /^(?:service:)?([^/:]+\/[^/]+)$/.exec(target);
  return m?.[1];
}

/**
 * `kubetwin endpoints -f … service:ns/NAME [--port P] [--from ns/pod | --client-ip IP --via node/NAME|loadbalancer]
 * [--requests N] [-o text|json]`: where kube-proxy sends the traffic. Exit 0 when routed, 1 when rejected, dropped or
 * not routed, 2 on bad input. An ExternalName Service has no endpoints by design: its externalName and what cluster
 * DNS answers for it, exit 0.
 */
export function endpointsCommand(io: Io): Command {
  const cmd = new Command('endpoints')
    .description(
      'which endpoints traffic to a Service reaches as kube-proxy programs it, and how connections spread',
    )
    .argument('<service>', 'service:NAMESPACE/NAME (or NAMESPACE/NAME: the argument is always a Service)')
    .option('--port <port>', 'Service port number or name (needed when the Service has several)')
    .option('--from <pod>', 'an in-cluster client: namespace/pod (or namespace/workload)')
    .option('--client-ip <ip>', 'an outside client address (with --via)')
    .option('--via <entry>', 'node/NAME (its NodePort), loadbalancer or external-ip, for --client-ip')
    .option('--requests <n>', 'spread this many connections from the client')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'),
    );
  withInputOptions(cmd).action(async (target: string, opts: EndpointsOptions) => {
    const fail = (m: string) => {
      io.stderr(`error: ${m}\n`);
      io.exit(exitCodes.input);
    };
    const service = serviceName(target);
    if (!service) return fail(`"${target}" is not service:NAMESPACE/NAME (or NAMESPACE/NAME)`);
    if (opts.from && (opts.clientIp || opts.via))
      return fail('--from and --client-ip/--via exclude each other');
    if (!!opts.clientIp !== !!opts.via) return fail('--client-ip and --via go together');
    if (opts.clientIp && !canonicalIP(opts.clientIp))
      return fail(`--client-ip "${opts.clientIp}" is not an IP address`);
    const via =
      opts.via === 'loadbalancer' || opts.via === 'external-ip'
        ? opts.via
        : opts.via?.startsWith('node/')
          ? { node: opts.via.slice(5) }
          : undefined;
    if (opts.via && !via) return fail(`--via "${opts.via}" must be node/NAME, loadbalancer or external-ip`);
    const requests = opts.requests === undefined ? undefined : Number(opts.requests);
    if (requests !== undefined && !(Number.isInteger(requests) && requests > 0 && requests <= 1_000_000))
      return fail(`--requests "${opts.requests}" must be a whole number from 1 to 1000000`);
    const port =
      opts.port === undefined ? undefined : /^\d+$/.test(opts.port) ? Number(opts.port) : opts.port;
    const client: Client = opts.from
      ? { kind: 'pod', pod: opts.from }
      : opts.clientIp && via
        ? { kind: 'external', ip: canonicalIP(opts.clientIp)!, via }
        : { kind: 'unspecified' };
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    // An ExternalName Service has no endpoints by design: answer with its DNS alias, not an input error.
    const model = loaded.cluster.model;
    const svc = model.services.find((x) => `${x.namespace}/${x.name}` === service);
    if (svc?.type === 'ExternalName') {
      const e = externalNamePath(model, svc);
      io.stdout(opts.output === 'json' ? JSON.stringify(e, null, 2) + '\n' : renderExternalName(e));
      return io.exit(loaded.inputExit || exitCodes.ok);
    }
    const r = servicePath(model, {
      service,
      port,
      client,
      ...(requests ? { requests } : {}),
    });
    if (typeof r === 'string') return fail(r);
    // A meshed client's proxy, not kube-proxy, picks the endpoint: say so (docs/mesh.md).
    const pod = opts.from ? clientPod(model, opts.from) : undefined;
    const meshNotes =
      pod && typeof pod !== 'string' && svc ? meshEndpointNotes(compileMesh(model), pod, svc) : [];
    const out = meshNotes.length ? { ...r, notes: [...r.notes, ...meshNotes] } : r;
    io.stdout(opts.output === 'json' ? JSON.stringify(out, null, 2) + '\n' : renderEndpoints(out));
    io.exit(loaded.inputExit || (r.verdict === 'routed' && !r.unknown ? exitCodes.ok : exitCodes.findings));
  });
  return cmd;
}
