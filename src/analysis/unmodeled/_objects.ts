/**
 * Objects kubetwin does not model but that change connectivity or routing (another CNI's policies, a service mesh,
 * another router; `trafficKinds` in the catalogue): which of them could change the answer to one connection or one
 * request. Conservative by design — it may name an object that turns out not to matter, never miss one that does:
 * a namespaced object touches every connection with an end in its namespace, a cluster-scoped one (or one in a
 * mesh's root namespace, or exported to every namespace) touches all. Pure.
 */
import { byString } from '../../model/keys.ts';
import { unmodeledTrafficKind, type TrafficEffect } from '../../model/catalogue.ts';
import type { SourceRef } from '../../model/diagnostic.ts';
import type { ClusterModel, OtherObject } from '../../model/types.ts';

export interface UnmodeledObject {
  readonly key: string;
  readonly kind: string;
  readonly group: string;
  readonly namespace?: string;
  readonly name: string;
  readonly source?: SourceRef;
  readonly affects: readonly TrafficEffect[];
  /** Can admit what NetworkPolicies deny (so a DENIED verdict is not final either). */
  readonly admits: boolean;
  /** `cluster`: touches every connection; `namespace`: those with an end in `namespace`. */
  readonly scope: 'cluster' | 'namespace';
  /** Touches only connections to an address outside the cluster (Linkerd's EgressNetwork). */
  readonly outsideOnly: boolean;
  readonly note: string;
  /** Every string in its spec, lower case: what `namesRequest` looks for hosts and Services in. */
  readonly words: readonly string[];
}

/** The API group of an `apiVersion` (`''` for the core group). */
export const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

/**
 * Istio `exportTo`: a VirtualService, DestinationRule or ServiceEntry applies to every namespace unless it is
 * exported to its own only (`["."]`). https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService-export_to
 */
function exportedOnlyHere(o: OtherObject): boolean {
  const spec = o.body.spec as Record<string, unknown> | undefined;
  const to = spec?.exportTo;
  return Array.isArray(to) && to.length > 0 && to.every((t) => t === '.' || t === o.namespace);
}

function words(v: unknown, out: string[]): string[] {
  if (typeof v === 'string') out.push(v.toLowerCase());
  else if (Array.isArray(v)) v.forEach((x) => words(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => words(x, out));
  return out;
}

/** Every unmodeled traffic object of the model, sorted by key. */
export function unmodeledObjects(model: ClusterModel): UnmodeledObject[] {
  const out: UnmodeledObject[] = [];
  for (const o of model.others) {
    const group = groupOf(o.apiVersion);
    const t = unmodeledTrafficKind(o.kind, group);
    if (!t) continue;
    const wide =
      !t.namespaced ||
      !o.namespace ||
      o.namespace === t.rootNamespace ||
      (t.exported === true && !exportedOnlyHere(o));
    out.push({
      key: o.key,
      kind: o.kind,
      group,
      namespace: o.namespace,
      name: o.name,
      source: o.source,
      affects: t.affects,
      admits: t.admits,
      scope: wide ? 'cluster' : 'namespace',
      outsideOnly: t.outsideOnly === true,
      note: t.note,
      words: words(o.body.spec ?? {}, []),
    });
  }
  return out.sort((a, b) => byString(a.key, b.key));
}

/**
 * The objects that could change whether a connection between the given namespaces is admitted (`undefined` for
 * an end outside the cluster or a node). The connection's namespaces are both ends', plus a Service's when the
 * destination is one. `outside`: the destination is an address, not a pod (egress controls touch only those).
 */
export function touchingConnection(
  objects: readonly UnmodeledObject[],
  namespaces: readonly (string | undefined)[],
  options: { readonly outside?: boolean } = {},
): UnmodeledObject[] {
  return objects.filter(
    (o) =>
      o.affects.includes('connectivity') &&
      (o.scope === 'cluster' || namespaces.includes(o.namespace)) &&
      (!o.outsideOnly || options.outside === true),
  );
}

export interface RequestNames {
  /** The request's host name. */
  readonly host: string;
  /** Services the request may reach (`ns/name`). */
  readonly services: readonly string[];
}

/** Names an object may use for a Service: `name`, `name.ns`, `name.ns.svc`, `name.ns.svc.<domain>`. */
const serviceNames = (svc: string, domain: string) => {
  const [ns, name] = svc.split('/');
  return [name, `${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.${domain}`];
};

/**
 * A service reference with a scheme, a port or a path stripped (`quote:80`, `http://quote.default:8080/`, as
 * Emissary's Mapping `service` and similar router specs write it) down to the name to compare.
 */
const bareService = (w: string) => w.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/(:\d+)?(\/.*)?$/, '');

const wildcard = (w: string) => w === '*' || w.endsWith('/*') || w === '*/*';

/**
 * The routing-affecting objects that name the request's host or one of its Services (a spec string equal to one of
 * the Service's names, containing the host, or a `*` / `*.suffix` host pattern that covers it). A Traefik
 * ``Host(`a.example.com`)`` rule contains the host; an Istio `hosts: ["*"]` covers every host.
 */
export function namingRequest(
  objects: readonly UnmodeledObject[],
  request: RequestNames,
  clusterDomain = 'cluster.local',
): UnmodeledObject[] {
  const host = request.host.toLowerCase();
  const names = new Set(request.services.flatMap((s) => serviceNames(s, clusterDomain)));
  const covers = (w: string) =>
    wildcard(w) ||
    names.has(w) ||
    names.has(bareService(w)) ||
    (host !== '' && w.includes(host)) ||
    (w.startsWith('*.') && host.endsWith(w.slice(1)));
  return objects.filter((o) => o.affects.includes('routing') && o.words.some(covers));
}

/** `Kind.group ns/name at file:line`, for messages. */
export function describeObject(
  o: Pick<UnmodeledObject, 'kind' | 'group' | 'namespace' | 'name' | 'source'>,
): string {
  const at = o.source ? ` at ${o.source.file}:${o.source.line}` : '';
  return `${o.kind} (${o.group}) ${o.namespace ? `${o.namespace}/` : ''}${o.name}${at}`;
}

/** The one sentence every answer uses: `objects kubetwin does not model may change this: …`. */
export function unknownSentence(objects: readonly UnmodeledObject[]): string {
  return `objects kubetwin does not model may change this: ${objects.map(describeObject).join(', ')}`;
}
