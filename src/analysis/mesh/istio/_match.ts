import type { IstioHttpMatch, StringMatch } from '../../../model/mesh.ts';
import { fullRegex } from '../../gateway/index.ts';
import type { MeshMatch } from '../types.ts';

const failed = 'no match';

/** An Istio `StringMatch` against a value: exact, string prefix, or RE2 regex over the whole value. */
export function stringMatches(m: StringMatch, value: string | undefined, ignoreCase = false): boolean {
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  const want = ignoreCase ? m.value.toLowerCase() : m.value;
  switch (m.type) {
    case 'present':
      return true;
    case 'exact':
      return v === want;
    case 'prefix':
      return v.startsWith(want);
    case 'regex':
      return fullRegex(m.value)?.test(value) ?? false;
  }
}

export const describeString = (m: StringMatch) => (m.type === 'present' ? 'present' : `${m.type} ${m.value}`);

function describe(m: IstioHttpMatch): string {
  const parts: string[] = [];
  if (m.uri) parts.push(`uri ${describeString(m.uri)}${m.ignoreUriCase ? ' (any case)' : ''}`);
  if (m.method) parts.push(`method ${describeString(m.method)}`);
  if (m.scheme) parts.push(`scheme ${describeString(m.scheme)}`);
  if (m.authority) parts.push(`authority ${describeString(m.authority)}`);
  for (const h of m.headers) parts.push(`header ${h.name} ${describeString(h.match)}`);
  for (const h of m.withoutHeaders) parts.push(`without header ${h.name} ${describeString(h.match)}`);
  for (const q of m.queryParams) parts.push(`query ${q.name} ${describeString(q.match)}`);
  if (m.port !== undefined) parts.push(`port ${m.port}`);
  if (m.sourceLabels)
    parts.push(
      `source labels ${Object.entries(m.sourceLabels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  if (m.sourceNamespace) parts.push(`source namespace ${m.sourceNamespace}`);
  return parts.join(', ') || 'any request';
}

/**
 * One `HTTPMatchRequest` as a `MeshMatch`: every condition must hold. `uri` prefix is a plain string prefix
 * (not per path element); header names are lower case; `sourceLabels` and `sourceNamespace` test the client pod;
 * `port` the destination port. A block whose `gateways` omit `mesh` never applies to sidecars; at an Istio
 * gateway (`client.gateway`), a block with `gateways` applies only when it names that gateway (a short name
 * in the VirtualService's namespace), overriding the VirtualService's top-level `gateways`.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 */
export function compileIstioMatch(m: IstioHttpMatch, at: string, vsNamespace = ''): MeshMatch {
  const text = describe(m);
  return {
    at,
    describe: text,
    failure(req, client, explain) {
      const no = (why: () => string) => (explain ? why() : failed);
      if (m.gateways && !client.gateway && !m.gateways.includes('mesh'))
        return no(() => `applies only to gateways ${m.gateways!.join(', ')}, not to sidecars`);
      if (
        m.gateways &&
        client.gateway &&
        !m.gateways.some((g) => (g.includes('/') ? g : `${vsNamespace}/${g}`) === client.gateway)
      )
        return no(() => `applies only to ${m.gateways!.join(', ')}, not to gateway ${client.gateway}`);
      if (m.uri && !stringMatches(m.uri, req.path, m.ignoreUriCase))
        return no(() => `path ${req.path} does not match uri ${describeString(m.uri!)}`);
      if (m.method && !stringMatches(m.method, req.method))
        return no(() => `method ${req.method} does not match ${describeString(m.method!)}`);
      if (m.scheme && !stringMatches(m.scheme, req.scheme))
        return no(() => `scheme ${req.scheme} does not match ${describeString(m.scheme!)}`);
      if (m.authority && !stringMatches(m.authority, req.host))
        return no(() => `authority ${req.host} does not match ${describeString(m.authority!)}`);
      for (const h of m.headers) {
        const v = req.headers[h.name];
        if (v === undefined) return no(() => `header ${h.name} is absent`);
        if (!stringMatches(h.match, v))
          return no(() => `header ${h.name}: ${v} does not match ${describeString(h.match)}`);
      }
      for (const h of m.withoutHeaders)
        if (stringMatches(h.match, req.headers[h.name]))
          return no(() => `header ${h.name} matches ${describeString(h.match)} (withoutHeaders)`);
      for (const q of m.queryParams) {
        const v = req.query.find(([k]) => k === q.name)?.[1];
        if (v === undefined) return no(() => `query parameter ${q.name} is absent`);
        if (!stringMatches(q.match, v))
          return no(() => `query parameter ${q.name}=${v} does not match ${describeString(q.match)}`);
      }
      if (m.port !== undefined && m.port !== req.port)
        return no(() => `destination port ${req.port} is not ${m.port}`);
      if (m.sourceNamespace !== undefined && client.pod.namespace !== m.sourceNamespace)
        return no(() => `client namespace ${client.pod.namespace} is not ${m.sourceNamespace}`);
      if (m.sourceLabels)
        for (const [k, v] of Object.entries(m.sourceLabels))
          if (client.pod.labels[k] !== v)
            return no(() => `client ${client.pod.namespace}/${client.pod.name} lacks label ${k}=${v}`);
      return undefined;
    },
  };
}
