import type {
  DestinationRule,
  IstioDestination,
  IstioHttpMatch,
  IstioHttpRoute,
  IstioMirror,
  IstioL4Match,
  IstioL4Route,
  NamedStringMatch,
  StringMatch,
  Subset,
  TrafficPolicySummary,
  VirtualService,
} from '../../model/mesh.ts';
import type { PathSegment } from '../../parse/index.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';
import { parseCidr, parseIP } from '../../lib/ip.ts';

export const istioNetworkingGroup = 'networking.istio.io';

const refused = 'istiod validation refuses it, so kubetwin leaves the object out.';

/**
 * Why an RE2 pattern (Istio's regex dialect) does not compile, or undefined. JavaScript accepts lookaround and
 * backreferences, which RE2 does not. https://github.com/google/re2/wiki/Syntax
 */
export function re2Problem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch (e) {
    return (e as Error).message;
  }
  if (/\(\?<?[=!]/.test(pattern)) return 'lookaround (?=, ?!, ?<=, ?<!) is not RE2 syntax';
  if (/(^|[^\\])\\[1-9]/.test(pattern)) return 'backreferences (\\1) are not RE2 syntax';
  return undefined;
}

/** A `StringMatch` (`exact`, `prefix` or `regex`, exactly one), or undefined when absent or invalid. */
function stringMatch(
  f: FieldReader,
  at: PathSegment[],
  what: string,
  presence = false,
): StringMatch | undefined {
  const m = f.map(at);
  if (!m) return undefined;
  const set = (['exact', 'prefix', 'regex'] as const).filter((k) => m[k] !== undefined);
  if (presence && !set.length) return { type: 'present', value: '' };
  if (set.length !== 1) {
    f.report(
      'invalid-mesh-route',
      'error',
      at,
      `${what} must set exactly one of exact, prefix or regex (found: ${set.join(', ') || 'none'}); ${refused}`,
    );
    return undefined;
  }
  const type = set[0];
  const value = f.str([...at, type]) ?? '';
  if (type === 'regex') {
    const problem = re2Problem(value);
    if (problem) {
      f.report(
        'invalid-mesh-regex',
        'error',
        [...at, type],
        `${what} regex "${value}" does not compile: ${problem}; ${refused}`,
        'Fix the regular expression (RE2 syntax, matched against the whole value).',
      );
      return undefined;
    }
  }
  return { type, value };
}

function namedMatches(f: FieldReader, at: PathSegment[], what: string, lower: boolean): NamedStringMatch[] {
  const m = f.map(at) ?? {};
  return Object.keys(m)
    .sort()
    .flatMap((name) => {
      const match = stringMatch(f, [...at, name], `${what} ${name}`, true);
      return match ? [{ name: lower ? name.toLowerCase() : name, match }] : [];
    });
}

function readMatch(f: FieldReader, at: PathSegment[], index: number): IstioHttpMatch {
  const gateways = f.get([...at, 'gateways']);
  return {
    index,
    name: f.str([...at, 'name']),
    uri: stringMatch(f, [...at, 'uri'], 'uri'),
    scheme: stringMatch(f, [...at, 'scheme'], 'scheme'),
    method: stringMatch(f, [...at, 'method'], 'method'),
    authority: stringMatch(f, [...at, 'authority'], 'authority'),
    headers: namedMatches(f, [...at, 'headers'], 'header', true),
    withoutHeaders: namedMatches(f, [...at, 'withoutHeaders'], 'header', true),
    queryParams: namedMatches(f, [...at, 'queryParams'], 'query parameter', false),
    port: f.int([...at, 'port']),
    sourceLabels: f.map([...at, 'sourceLabels']) ? f.stringMap([...at, 'sourceLabels']) : undefined,
    sourceNamespace: f.str([...at, 'sourceNamespace']),
    gateways: Array.isArray(gateways)
      ? f.list([...at, 'gateways']).map((_, i) => f.str([...at, 'gateways', i]) ?? '')
      : undefined,
    ignoreUriCase: f.bool([...at, 'ignoreUriCase']) ?? false,
  };
}

function readDestination(f: FieldReader, at: PathSegment[], single: boolean): IstioDestination {
  const host = f.str([...at, 'destination', 'host']);
  if (!host)
    f.report(
      'invalid-mesh-route',
      'error',
      [...at, 'destination', 'host'],
      `destination.host is required; ${refused}`,
    );
  return {
    host: (host ?? '').toLowerCase(),
    subset: f.str([...at, 'destination', 'subset']),
    port: f.int([...at, 'destination', 'port', 'number']),
    weight: f.int([...at, 'weight']) ?? (single ? 100 : 0),
    source: f.raw.locate([...at, 'destination']),
  };
}

/** A percentage `{value: 50}` as a number; undefined when absent (Istio then passes none to Envoy). */
const percent = (f: FieldReader, at: PathSegment[]) => {
  const v = f.get([...at, 'value']);
  return typeof v === 'number' ? v : undefined;
};

/**
 * `mirror` with `mirrorPercentage`, then each `mirrors[]` entry (`destination`, `percentage`); an absent
 * percentage is 100%. https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy
 */
function readMirrors(f: FieldReader, at: PathSegment[]): IstioMirror[] {
  const one = (d: PathSegment[], pct: PathSegment[]): IstioMirror[] => {
    const host = f.str([...d, 'host']);
    if (!host) return [];
    return [
      {
        host: host.toLowerCase(),
        subset: f.str([...d, 'subset']),
        port: f.int([...d, 'port', 'number']),
        percentage: percent(f, pct),
      },
    ];
  };
  return [
    ...one([...at, 'mirror'], [...at, 'mirrorPercentage']),
    ...f
      .list([...at, 'mirrors'])
      .flatMap((_, k) => one([...at, 'mirrors', k, 'destination'], [...at, 'mirrors', k, 'percentage'])),
  ];
}

function readHttpRoute(f: FieldReader, i: number, namespace: string, inDelegate: boolean): IstioHttpRoute {
  const at: PathSegment[] = ['spec', 'http', i];
  const routes = f.list([...at, 'route']);
  const route = routes.map((_, j) => readDestination(f, [...at, 'route', j], routes.length === 1));
  const has = (k: string) => f.map([...at, k]) !== undefined;
  // istiod's validateHTTPRoute: a delegate goes with neither route nor redirect, and stands for them.
  const delegate = has('delegate')
    ? {
        name: f.str([...at, 'delegate', 'name']) ?? '',
        namespace: f.str([...at, 'delegate', 'namespace']) ?? namespace,
      }
    : undefined;
  // validateHTTPRouteConflict: only one level of delegation.
  if (delegate && inDelegate)
    f.report(
      'invalid-mesh-route',
      'error',
      [...at, 'delegate'],
      `http[${i}] sets delegate in a delegate VirtualService (one without hosts): delegation is one level deep; ${refused}`,
    );
  if (delegate && (routes.length || has('redirect')))
    f.report(
      'invalid-mesh-route',
      'error',
      [...at, 'delegate'],
      `http[${i}] sets delegate with ${routes.length ? 'route' : 'redirect'}: a delegate stands for them; ${refused}`,
    );
  if (has('redirect') && routes.length)
    f.report(
      'invalid-mesh-route',
      'error',
      [...at, 'redirect'],
      `http[${i}] sets both redirect and route; ${refused}`,
    );
  if (!delegate && !has('redirect') && !has('directResponse') && !routes.length)
    f.report(
      'invalid-mesh-route',
      'error',
      at,
      `http[${i}] needs a route, a redirect or a directResponse; ${refused}`,
    );
  const abort = has('fault') && f.map([...at, 'fault', 'abort']) !== undefined;
  const delay = has('fault') && f.map([...at, 'fault', 'delay']) !== undefined;
  return {
    index: i,
    name: f.str([...at, 'name']),
    matches: f.list([...at, 'match']).map((_, j) => readMatch(f, [...at, 'match', j], j)),
    route,
    redirect: has('redirect')
      ? {
          uri: f.str([...at, 'redirect', 'uri']),
          authority: f.str([...at, 'redirect', 'authority']),
          port: f.int([...at, 'redirect', 'port']),
          scheme: f.str([...at, 'redirect', 'scheme']),
          redirectCode: f.int([...at, 'redirect', 'redirectCode']) ?? 301,
        }
      : undefined,
    directResponse: has('directResponse')
      ? { status: f.int([...at, 'directResponse', 'status']) ?? 200 }
      : undefined,
    rewrite: has('rewrite')
      ? { uri: f.str([...at, 'rewrite', 'uri']), authority: f.str([...at, 'rewrite', 'authority']) }
      : undefined,
    timeout: f.str([...at, 'timeout']),
    retries: has('retries')
      ? {
          attempts: f.int([...at, 'retries', 'attempts']),
          perTryTimeout: f.str([...at, 'retries', 'perTryTimeout']),
          retryOn: f.str([...at, 'retries', 'retryOn']),
        }
      : undefined,
    fault:
      abort || delay
        ? {
            abort: abort
              ? {
                  httpStatus: f.int([...at, 'fault', 'abort', 'httpStatus']),
                  percentage: percent(f, [...at, 'fault', 'abort', 'percentage']),
                }
              : undefined,
            delay: delay
              ? {
                  fixedDelay: f.str([...at, 'fault', 'delay', 'fixedDelay']),
                  percentage: percent(f, [...at, 'fault', 'delay', 'percentage']),
                }
              : undefined,
          }
        : undefined,
    mirrors: readMirrors(f, at),
    ...(delegate ? { delegate } : {}),
    source: f.raw.locate(at),
  };
}

const strings = (f: FieldReader, at: PathSegment[]) => f.list(at).flatMap((_, i) => f.str([...at, i]) ?? []);

/** An IP address or a CIDR (istiod's validation of `destinationSubnets`). */
const isSubnet = (x: string) => (x.includes('/') ? parseCidr(x) : parseIP(x)) !== undefined;

/**
 * One `tcp` or `tls` rule. istiod refuses a `tls` rule without match blocks or a block without `sniHosts`,
 * an SNI host no VirtualService host covers, an empty `route`, and a destination subnet that is no IP or CIDR
 * (istio/istio pkg/config/validation: validateTLSRoute, validateSniHost, validateTCPRoute).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TCPRoute
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#TLSRoute
 */
/** Istio's `host.Name.SubsetOf`: `*` holds every name; `*.x` names ending in `.x`; any other name itself. */
function sniSubsetOf(sni: string, host: string): boolean {
  if (host === '*') return true;
  if (host.startsWith('*.')) return sni.endsWith(host.slice(1));
  return sni === host;
}

function readL4Route(f: FieldReader, kind: 'tcp' | 'tls', i: number, hosts: readonly string[]): IstioL4Route {
  const at: PathSegment[] = ['spec', kind, i];
  const routes = f.list([...at, 'route']);
  if (!routes.length)
    f.report('invalid-mesh-route', 'error', [...at, 'route'], `${kind}[${i}] needs a route; ${refused}`);
  const blocks = f.list([...at, 'match']);
  if (kind === 'tls' && !blocks.length)
    f.report(
      'invalid-mesh-route',
      'error',
      at,
      `tls[${i}] needs at least one match with sniHosts; ${refused}`,
    );
  const matches = blocks.map((_, j): IstioL4Match => {
    const m = [...at, 'match', j];
    const sniHosts = strings(f, [...m, 'sniHosts']).map((h) => h.toLowerCase());
    sniHosts.forEach((h, k) => {
      if (!parseIP(h) && !hosts.some((x) => sniSubsetOf(h, x)))
        f.report(
          'invalid-mesh-route',
          'error',
          [...m, 'sniHosts', k],
          `SNI host ${h} is not within any of the VirtualService's hosts (${hosts.join(', ')}); ${refused}`,
          'List the SNI name (or a wildcard covering it) in spec.hosts.',
        );
    });
    if (kind === 'tls' && !sniHosts.length)
      f.report(
        'invalid-mesh-route',
        'error',
        [...m, 'sniHosts'],
        `tls[${i}].match[${j}] needs sniHosts; ${refused}`,
      );
    const subnets = strings(f, [...m, 'destinationSubnets']);
    subnets.forEach((x, k) => {
      if (!isSubnet(x))
        f.report(
          'invalid-mesh-route',
          'error',
          [...m, 'destinationSubnets', k],
          `destinationSubnets entry "${x}" is neither an IP address nor a CIDR; ${refused}`,
        );
    });
    const gateways = f.get([...m, 'gateways']);
    return {
      index: j,
      port: f.int([...m, 'port']),
      destinationSubnets: subnets,
      sourceLabels: f.map([...m, 'sourceLabels']) ? f.stringMap([...m, 'sourceLabels']) : undefined,
      sourceNamespace: f.str([...m, 'sourceNamespace']),
      gateways: Array.isArray(gateways) ? strings(f, [...m, 'gateways']) : undefined,
      sniHosts,
    };
  });
  return {
    index: i,
    matches,
    route: routes.map((_, j) => readDestination(f, [...at, 'route', j], routes.length === 1)),
    source: f.raw.locate(at),
  };
}
const created = (f: FieldReader) => {
  const t = f.get(['metadata', 'creationTimestamp']);
  return typeof t === 'string' ? t : undefined;
};

/**
 * A VirtualService without `hosts` is a delegate: istiod's ValidateVirtualService refuses `gateways`, `tls` and
 * `tcp` in it (the root's gateways apply; only HTTP rules are delegated).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate
 */
function checkDelegate(f: FieldReader): void {
  for (const field of ['gateways', 'tls', 'tcp'])
    if (f.list(['spec', field]).length)
      f.report(
        'invalid-mesh-route',
        'error',
        ['spec', field],
        `a delegate VirtualService (no hosts) must have no ${field}: ${field === 'gateways' ? "the root's gateways apply" : 'only http rules can be delegated'}; ${refused}`,
        field === 'gateways'
          ? 'Remove spec.gateways from the delegate.'
          : `Move the ${field} rules to the root VirtualService.`,
      );
}

/**
 * A VirtualService's HTTP, `tcp` and `tls` routes. A rule with a regex that is not RE2,
 * or with a redirect and a route, is refused as istiod's validation refuses it.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
export function readVirtualService(e: Envelope): VirtualService {
  const f = e.f;
  const hosts = strings(f, ['spec', 'hosts']).map((h) => h.toLowerCase());
  if (!hosts.length) checkDelegate(f);
  return {
    ...namespacedMetaOf(e),
    hosts,
    gateways: strings(f, ['spec', 'gateways']),
    exportTo: strings(f, ['spec', 'exportTo']),
    http: f
      .list(['spec', 'http'])
      .map((_, i) => readHttpRoute(f, i, e.namespace ?? 'default', hosts.length === 0)),
    hasTcpOrTls: f.list(['spec', 'tcp']).length + f.list(['spec', 'tls']).length > 0,
    tcp: f.list(['spec', 'tcp']).map((_, i) => readL4Route(f, 'tcp', i, hosts)),
    tls: f.list(['spec', 'tls']).map((_, i) => readL4Route(f, 'tls', i, hosts)),
    delegate: hosts.length === 0,
    creationTimestamp: created(f),
  };
}

/**
 * `outlierDetection.consecutiveErrors` is deprecated in Istio's API (`consecutive_errors` carries
 * `deprecated=true` in istio/api destination_rule.proto): it is read as consecutive5xxErrors. Reported as
 * `mesh-deprecated-field` wherever a traffic policy (or one of its portLevelSettings) sets it.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#OutlierDetection
 */
function deprecatedOutlier(f: FieldReader, at: PathSegment[]): void {
  const check = (p: PathSegment[]) => {
    if (f.get([...p, 'outlierDetection', 'consecutiveErrors']) !== undefined)
      f.report(
        'mesh-deprecated-field',
        'warning',
        [...p, 'outlierDetection', 'consecutiveErrors'],
        'outlierDetection.consecutiveErrors is deprecated: Istio reads it as consecutive5xxErrors (5xx responses only)',
        'Use consecutive5xxErrors (5xx responses) or consecutiveGatewayErrors (502, 503, 504) instead.',
      );
  };
  check(at);
  f.list([...at, 'portLevelSettings']).forEach((_, i) => check([...at, 'portLevelSettings', i]));
}

function policySummary(f: FieldReader, at: PathSegment[]): TrafficPolicySummary | undefined {
  const m = f.map(at);
  if (!m) return undefined;
  deprecatedOutlier(f, at);
  return {
    loadBalancer:
      f.str([...at, 'loadBalancer', 'simple']) ??
      (f.map([...at, 'loadBalancer', 'consistentHash']) ? 'consistentHash' : undefined),
    tlsMode: f.str([...at, 'tls', 'mode']),
    portTls: f.list([...at, 'portLevelSettings']).flatMap((_, i) => {
      const port = f.int([...at, 'portLevelSettings', i, 'port', 'number']);
      const mode = f.str([...at, 'portLevelSettings', i, 'tls', 'mode']);
      return port !== undefined ? [{ port, mode }] : [];
    }),
    other: Object.keys(m)
      .filter((k) => k !== 'loadBalancer' && k !== 'tls')
      .sort(),
    ...(f.map([...at, 'loadBalancer', 'localityLbSetting']) ? { localityLbSetting: true } : {}),
  };
}

/**
 * A DestinationRule's subsets (by pod labels) and traffic policies, kept for display.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
export function readDestinationRule(e: Envelope): DestinationRule {
  const f = e.f;
  const host = f.str(['spec', 'host']);
  if (!host) f.report('invalid-mesh-route', 'error', ['spec', 'host'], `spec.host is required; ${refused}`);
  const seen = new Set<string>();
  const subsets: Subset[] = f.list(['spec', 'subsets']).flatMap((_, i) => {
    const at = ['spec', 'subsets', i];
    const name = f.str([...at, 'name']);
    if (!name) {
      f.report('invalid-mesh-route', 'error', at, `subsets[${i}] has no name; ${refused}`);
      return [];
    }
    if (seen.has(name))
      f.report(
        'invalid-mesh-route',
        'error',
        [...at, 'name'],
        `subset name "${name}" is used twice; ${refused}`,
      );
    seen.add(name);
    return [
      {
        name,
        labels: f.stringMap([...at, 'labels']),
        trafficPolicy: policySummary(f, [...at, 'trafficPolicy']),
        source: f.raw.locate(at),
      },
    ];
  });
  return {
    ...namespacedMetaOf(e),
    host: (host ?? '').toLowerCase(),
    subsets,
    trafficPolicy: policySummary(f, ['spec', 'trafficPolicy']),
    exportTo: strings(f, ['spec', 'exportTo']),
    ...(f.map(['spec', 'workloadSelector'])
      ? { workloadSelector: f.stringMap(['spec', 'workloadSelector', 'matchLabels']) }
      : {}),
    creationTimestamp: created(f),
  };
}
