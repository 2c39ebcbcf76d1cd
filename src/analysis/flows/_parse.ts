import type { Diagnostic } from '../../model/diagnostic.ts';
import type { Protocol } from '../../model/types.ts';
import { canonicalIP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import type { Flow, FlowSource, FlowStep, FlowTarget } from './types.ts';

const defaultPorts: Readonly<Record<string, number>> = { http: 80, https: 443, grpc: 443 };
const protocols: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** Parses `internet`, `ip:ADDR` or `ns/name` (namespace defaults to `defaultNamespace`). */
export function parseFlowSource(text: string, defaultNamespace = 'default'): FlowSource | string {
  if (text === 'internet') return { kind: 'internet' };
  if (text.startsWith('ip:')) {
    const ip = canonicalIP(text.slice(3));
    return ip ? { kind: 'ip', ip } : `"${text}" is not ip:ADDRESS`;
  }
  const [ns, name] = text.includes('/') ? text.split('/', 2) : [defaultNamespace, text];
  return ns && name
    ? { kind: 'ref', namespace: ns, name }
    : `"${text}" must be internet, ip:ADDRESS or NAMESPACE/NAME`;
}

function splitHostPort(text: string): [string, number | undefined] | undefined {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return undefined;
  const port = m[2] ? Number(m[2]) : undefined;
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return [m[1].replace(/^\[|\]$/g, ''), port];
}

/**
 * Parses a target: `scheme://host[:port][/path]` (http, https, grpc, tcp, udp), `service:ns/name:port`,
 * `ip:ADDR:port`, `host:port` or `fqdn:NAME:port` (a name resolved from the source pod, TCP), or `ns/name` with
 * `port`.
 */
export function parseFlowTarget(
  text: string,
  port: number | undefined,
  protocol: Protocol | undefined,
  defaultNamespace = 'default',
): FlowTarget | string {
  const url = /^(https?|tcp|udp|grpc):\/\/([^/]+)(\/.*)?$/.exec(text);
  if (url) {
    const scheme = url[1] as 'http' | 'https' | 'tcp' | 'udp' | 'grpc';
    const hp = splitHostPort(url[2]);
    const p = hp?.[1] ?? defaultPorts[scheme];
    if (!hp || !p) return `"${text}": ${scheme}:// needs host:port`;
    return {
      kind: 'url',
      scheme,
      host: hp[0].toLowerCase(),
      port: p,
      path: url[3] ?? '/',
      protocol: scheme === 'udp' ? 'UDP' : 'TCP',
    };
  }
  if (text.startsWith('service:')) {
    const m = /^service:(?:([^/]+)\/)?([^:/]+)(?::(\d+))?$/.exec(text);
    const p = m?.[3] ? Number(m[3]) : port;
    if (!m || !p) return `"${text}" must be service:NAMESPACE/NAME:PORT (or give port)`;
    return {
      kind: 'service',
      namespace: m[1] ?? defaultNamespace,
      name: m[2],
      port: p,
      protocol: protocol ?? 'TCP',
    };
  }
  if (text.startsWith('fqdn:')) {
    // An outside name (resolved through the profile's externalHosts), as Cilium's toFQDNs sees it.
    const hp = splitHostPort(text.slice(5));
    const p = hp?.[1] ?? port;
    if (!hp || !hp[0] || !p) return `"${text}" must be fqdn:NAME:PORT (or give port)`;
    const udp = protocol === 'UDP';
    return {
      kind: 'url',
      scheme: udp ? 'udp' : 'tcp',
      host: hp[0].toLowerCase(),
      port: p,
      path: '/',
      protocol: protocol ?? 'TCP',
    };
  }
  if (text.startsWith('ip:')) {
    const hp = splitHostPort(text.slice(3));
    const ip = hp ? canonicalIP(hp[0]) : undefined;
    const p = hp?.[1] ?? port;
    if (!ip || !p) return `"${text}" must be ip:ADDRESS:PORT (or give port)`;
    return { kind: 'ip', ip, port: p, protocol: protocol ?? 'TCP' };
  }
  if (text.includes('/')) {
    const [ns, name] = text.split('/', 2);
    if (!ns || !name) return `"${text}" must be NAMESPACE/NAME`;
    return { kind: 'ref', namespace: ns, name, ...(port ? { port } : {}), protocol: protocol ?? 'TCP' };
  }
  const hp = splitHostPort(text);
  if (hp && (hp[1] ?? port))
    return {
      kind: 'url',
      scheme: protocol === 'UDP' ? 'udp' : 'tcp',
      host: hp[0].toLowerCase(),
      port: (hp[1] ?? port)!,
      path: '/',
      protocol: protocol ?? 'TCP',
    };
  return `"${text}" is not a target: use a URL (https://host/path, tcp://host:port), service:NS/NAME:PORT, ip:ADDR:PORT, NAME:PORT or NS/NAME with port`;
}

/**
 * Reads a flows file (`flows: [{name, steps: [{from, to, port?, protocol?}]}]`). Problems are diagnostics at
 * their line; valid flows and steps are kept.
 */
export function readFlowsFile(raws: readonly RawObject[], sink: (d: Diagnostic) => void): Flow[] {
  const out: Flow[] = [];
  for (const raw of raws) {
    const flows = raw.body.flows;
    if (!Array.isArray(flows)) {
      sink({
        code: 'invalid-flows',
        severity: 'error',
        message: 'a flows file needs a top-level `flows:` list',
        source: raw.source,
        hint: 'See docs/flows.md.',
      });
      continue;
    }
    flows.forEach((f: unknown, i) => {
      const flow = (f ?? {}) as Record<string, unknown>;
      const name = typeof flow.name === 'string' ? flow.name : `flow ${i + 1}`;
      const steps: FlowStep[] = [];
      const rawSteps = Array.isArray(flow.steps) ? flow.steps : [];
      if (!rawSteps.length)
        sink({
          code: 'invalid-flows',
          severity: 'error',
          message: `flow "${name}" has no steps`,
          source: raw.locate(['flows', i]),
        });
      rawSteps.forEach((st: unknown, j) => {
        const step = (st ?? {}) as Record<string, unknown>;
        const at = raw.locate(['flows', i, 'steps', j]);
        const bad = (message: string) =>
          sink({
            code: 'invalid-flows',
            severity: 'error',
            message: `flow "${name}" step ${j + 1}: ${message}`,
            source: at,
          });
        const protocol =
          typeof step.protocol === 'string' ? (step.protocol.toUpperCase() as Protocol) : undefined;
        if (protocol && !protocols.includes(protocol))
          return bad(`protocol "${String(step.protocol)}" must be TCP, UDP or SCTP`);
        const port = typeof step.port === 'number' ? step.port : undefined;
        const from = typeof step.from === 'string' ? parseFlowSource(step.from) : 'needs from';
        const to = typeof step.to === 'string' ? parseFlowTarget(step.to, port, protocol) : 'needs to';
        if (typeof from === 'string') return bad(`from: ${from}`);
        if (typeof to === 'string') return bad(`to: ${to}`);
        steps.push({
          from,
          to,
          text: `${String(step.from)} → ${String(step.to)}${port && !String(step.to).includes(`:${port}`) ? `:${port}` : ''}${protocol && protocol !== 'TCP' ? `/${protocol}` : ''}`,
          source: at,
        });
      });
      out.push({ name, steps, origin: 'flows-file', source: raw.locate(['flows', i]) });
    });
  }
  return out;
}
