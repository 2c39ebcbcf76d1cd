import type { ControllerProfile, Ingress, IngressBackend, IngressClass } from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';
import { ann } from '../ingress/_entries.ts';
import { canaryAnnotations, entriesOf, isCanary, type Entry } from '../ingress/index.ts';
import { canaryRules } from './_canary.ts';
import type { Manifest, Unconvertible } from './_types.ts';

const v1 = 'gateway.networking.k8s.io/v1';
const v1beta1 = 'gateway.networking.k8s.io/v1beta1';

/**
 * GatewayClass controllerName per Ingress controller: the Gateway API implementation of the same vendor
 * (Traefik's own provider; NGINX Gateway Fabric for ingress-nginx). Other controllers keep their name, flagged.
 * https://doc.traefik.io/traefik/routing/providers/kubernetes-gateway/
 * https://docs.nginx.com/nginx-gateway-fabric/
 */
const gatewayControllers: Readonly<Record<string, string>> = {
  'traefik.io/ingress-controller': 'traefik.io/gateway-controller',
  'k8s.io/ingress-nginx': 'gateway.nginx.org/nginx-gateway-controller',
};

/** Annotations converted into Gateway API fields (the rest of a controller's annotations are reported). */
export const convertedAnnotations = new Set([
  `${ann.traefik}router.entrypoints`,
  `${ann.traefik}router.tls`,
  `${ann.nginx}ssl-redirect`,
  `${ann.nginx}force-ssl-redirect`,
  `${ann.nginx}rewrite-target`,
  `${ann.nginx}from-to-www-redirect`,
  'kubernetes.io/ingress.class',
]);
const certManager = [
  'cert-manager.io/cluster-issuer',
  'cert-manager.io/issuer',
  'cert-manager.io/issuer-kind',
  'cert-manager.io/issuer-group',
];

export const slug = (host: string | undefined) =>
  host === undefined ? 'all-hosts' : host.replace(/^\*\./, 'wildcard.').replace(/[^a-z0-9-]+/g, '-');

export interface EmitInput {
  readonly className: string;
  readonly ingressClass?: IngressClass;
  readonly ingresses: readonly Ingress[];
  readonly services: ReadonlyMap<string, Service>;
  readonly profile: ControllerProfile;
  readonly gatewayNamespace: string;
}

interface HttpsListener {
  readonly host?: string;
  readonly secret: { readonly namespace: string; readonly name: string };
}

/**
 * The Gateway API resources equivalent to one IngressClass's Ingresses: a GatewayClass and a Gateway (an HTTP
 * listener on 80, an HTTPS listener on 443 per TLS host with its Secret), ReferenceGrants for Secrets in other
 * namespaces, and per Ingress and host an HTTPRoute (Exact → Exact, Prefix → PathPrefix, both element-wise;
 * defaultBackend → a route without hostnames or matches). Traefik entry points and `router.tls` and ingress-nginx
 * ssl-redirect choose the listeners a route attaches to.
 * https://gateway-api.sigs.k8s.io/guides/migrating-from-ingress/
 */
export function emitClass(input: EmitInput, out: Unconvertible[]): Manifest[] {
  const { className, ingresses, gatewayNamespace: gwNs } = input;
  const controller = input.ingressClass?.controller;
  const gcController =
    (controller && gatewayControllers[controller]) ?? controller ?? `example.com/${className}`;
  const manifests: Manifest[] = [];
  if (!controller || !gatewayControllers[controller])
    out.push({
      object: input.ingressClass?.key ?? `IngressClass/${className}`,
      what: 'spec.controller',
      reason: `no known Gateway API implementation for controller ${controller ?? '(IngressClass not among the manifests)'}: GatewayClass ${className} names ${gcController}; replace it with your implementation's controllerName`,
    });
  manifests.push({
    apiVersion: v1,
    kind: 'GatewayClass',
    metadata: { name: className },
    spec: { controllerName: gcController },
  });

  const https = new Map<string, HttpsListener>();
  for (const ing of ingresses)
    ing.tls.forEach((t, i) => {
      if (!t.secretName)
        return void out.push({
          object: ing.key,
          what: `spec.tls[${i}]`,
          reason:
            'no secretName: the controller serves its default certificate, a Gateway listener needs certificateRefs; no HTTPS listener emitted for these hosts',
        });
      for (const host of t.hosts.length ? t.hosts : [undefined]) {
        const prev = https.get(host ?? '');
        if (prev && (prev.secret.name !== t.secretName || prev.secret.namespace !== ing.namespace))
          out.push({
            object: ing.key,
            what: `spec.tls[${i}]`,
            reason: `host ${host ?? '(all)'} already has Secret ${prev.secret.namespace}/${prev.secret.name} from another Ingress; the listener keeps that one`,
          });
        else https.set(host ?? '', { host, secret: { namespace: ing.namespace, name: t.secretName } });
      }
    });
  const httpsListeners = [...https.values()].sort((a, b) => (a.host ?? '').localeCompare(b.host ?? ''));
  const multiNs = ingresses.some((i) => i.namespace !== gwNs);
  const allowedRoutes = { namespaces: { from: multiNs ? 'All' : 'Same' } };
  const listenerName = (l: HttpsListener) => `https-${slug(l.host)}`;
  const listeners: Record<string, unknown>[] = [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes }];
  for (const l of httpsListeners)
    listeners.push({
      name: listenerName(l),
      port: 443,
      protocol: 'HTTPS',
      ...(l.host ? { hostname: l.host } : {}),
      tls: {
        mode: 'Terminate',
        certificateRefs: [
          {
            kind: 'Secret',
            group: '',
            name: l.secret.name,
            ...(l.secret.namespace !== gwNs ? { namespace: l.secret.namespace } : {}),
          },
        ],
      },
      allowedRoutes,
    });
  const gwAnnotations: Record<string, string> = {};
  for (const ing of ingresses)
    for (const k of certManager) if (ing.annotations[k] !== undefined) gwAnnotations[k] = ing.annotations[k];
  manifests.push({
    apiVersion: v1,
    kind: 'Gateway',
    metadata: {
      name: className,
      namespace: gwNs,
      ...(Object.keys(gwAnnotations).length ? { annotations: gwAnnotations } : {}),
    },
    spec: { gatewayClassName: className, listeners },
  });

  const grants = new Map<string, Set<string>>();
  for (const l of httpsListeners)
    if (l.secret.namespace !== gwNs)
      grants.set(l.secret.namespace, (grants.get(l.secret.namespace) ?? new Set()).add(l.secret.name));
  for (const [ns, names] of [...grants].sort())
    manifests.push({
      apiVersion: v1beta1,
      kind: 'ReferenceGrant',
      metadata: { name: `${className}-gateway-secrets`, namespace: ns },
      spec: {
        from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gwNs }],
        to: [...names].sort().map((name) => ({ group: '', kind: 'Secret', name })),
      },
    });

  // ingress-nginx: a canary Ingress has no route of its own; it becomes header rules and weights of the route
  // of the location it merges into.
  const nginx = input.profile === 'ingress-nginx';
  const canaries = nginx ? entriesOf(ingresses.filter(isCanary)) : [];
  const used = new Set<Entry>();
  for (const ing of ingresses)
    if (!nginx || !isCanary(ing))
      manifests.push(...routesOf(ing, input, httpsListeners, listenerName, out, { canaries, used }));
  for (const c of canaries)
    if (!used.has(c))
      out.push({
        object: c.ingress.key,
        what: c.at,
        reason:
          'canary path merges into no location of a non-canary Ingress (same host, path and pathType): ingress-nginx drops it, and no route is emitted',
      });
  return manifests;
}

function routesOf(
  ing: Ingress,
  input: EmitInput,
  httpsListeners: readonly HttpsListener[],
  listenerName: (l: HttpsListener) => string,
  out: Unconvertible[],
  canary: { readonly canaries: readonly Entry[]; readonly used: Set<Entry> },
): Manifest[] {
  const a = ing.annotations;
  const gw = {
    name: input.className,
    ...(ing.namespace !== input.gatewayNamespace ? { namespace: input.gatewayNamespace } : {}),
  };
  const coversHost = (l: HttpsListener, host: string | undefined) =>
    l.host === undefined ||
    l.host === host ||
    (host !== undefined &&
      l.host.startsWith('*.') &&
      !host.startsWith('*.') &&
      host.endsWith(l.host.slice(1)));
  let httpOnly = false;
  let httpsOnly = false;
  if (input.profile === 'traefik') {
    const eps =
      a[`${ann.traefik}router.entrypoints`]
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [];
    const unknown = eps.filter((e) => e !== 'web' && e !== 'websecure');
    if (unknown.length)
      out.push({
        object: ing.key,
        what: `metadata.annotations["${ann.traefik}router.entrypoints"]`,
        reason: `entry points ${unknown.join(', ')} have no listener in the emitted Gateway (only web → http:80 and websecure → https:443)`,
      });
    httpsOnly = a[`${ann.traefik}router.tls`] === 'true' || (eps.length > 0 && !eps.includes('web'));
    httpOnly = !httpsOnly && eps.length > 0 && !eps.includes('websecure');
  }
  const nginxRedirect = input.profile === 'ingress-nginx';
  const manifests: Manifest[] = [];
  const hosts = new Map<string | undefined, { rules: { matches: unknown[] }[] }>();
  ing.rules.forEach((r, i) =>
    r.paths.forEach((p, j) => {
      const at = `spec.rules[${i}].http.paths[${j}]`;
      const backendRef = backendRefOf(ing, p.backend, input.services, at, out);
      if (!backendRef) return;
      if (p.pathType === 'ImplementationSpecific')
        out.push({
          object: ing.key,
          what: at,
          reason: `pathType ImplementationSpecific (${p.path}) is converted to PathPrefix; its meaning was up to the controller`,
        });
      const filters: Record<string, unknown>[] = [];
      const target = input.profile === 'ingress-nginx' ? a[`${ann.nginx}rewrite-target`] : undefined;
      if (target !== undefined && p.pathType !== 'Exact') {
        if (target.includes('$'))
          out.push({
            object: ing.key,
            what: `metadata.annotations["${ann.nginx}rewrite-target"]`,
            reason: `rewrite-target ${target} uses regex capture groups: HTTPRoute URLRewrite has no equivalent (ReplacePrefixMatch covers only "strip or replace the prefix")`,
          });
        else
          filters.push({
            type: 'URLRewrite',
            urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: target } },
          });
      }
      const type = p.pathType === 'Exact' ? 'Exact' : 'PathPrefix';
      const entry: Entry = {
        ingress: ing,
        at,
        host: r.host,
        path: p.path,
        pathType: p.pathType,
        backend: p.backend,
        order: 0,
      };
      const rules = canaryRules(entry, backendRef, { type, value: p.path }, canary, input.services, out).map(
        (x) => ({
          matches: x.matches,
          ...(filters.length ? { filters } : {}),
          backendRefs: x.backendRefs,
        }),
      );
      hosts.set(r.host, { rules: [...(hosts.get(r.host)?.rules ?? []), ...rules] });
    }),
  );
  for (const [host, { rules }] of hosts) {
    const tlsListeners = httpsListeners.filter((l) => coversHost(l, host));
    const ssl = nginxRedirect && tlsListeners.length > 0 && a[`${ann.nginx}ssl-redirect`] !== 'false';
    const force = nginxRedirect && a[`${ann.nginx}force-ssl-redirect`] === 'true';
    const redirect = ssl || force;
    const sections = [
      ...(httpsOnly || redirect ? [] : ['http']),
      ...(httpOnly ? [] : tlsListeners.map(listenerName)),
    ];
    if ((httpsOnly || redirect) && !tlsListeners.length)
      out.push({
        object: ing.key,
        what: `spec.rules (host ${host ?? '*'})`,
        reason:
          'served only over TLS by the controller, but no TLS Secret covers the host: the route attaches to no listener',
      });
    const name = `${ing.name}-${slug(host)}`;
    manifests.push(
      route(
        name,
        ing.namespace,
        sections.map((s) => ({ ...gw, sectionName: s })),
        host,
        rules,
      ),
    );
    // ingress-nginx redirects in the locations it has: the same matches, on the HTTP listener.
    const redirectRules = rules.map((r) => ({
      matches: r.matches,
      filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }],
    }));
    if (redirect)
      manifests.push(
        route(`${name}-https-redirect`, ing.namespace, [{ ...gw, sectionName: 'http' }], host, redirectRules),
      );
    if (redirect)
      out.push({
        object: ing.key,
        what: `metadata.annotations["${ann.nginx}ssl-redirect"]`,
        reason:
          'ingress-nginx redirects HTTP to HTTPS with 308; the emitted RequestRedirect uses 301 (Gateway API v1 RequestRedirect statusCode accepts 301 and 302)',
      });
  }
  if (nginxRedirect && a[`${ann.nginx}from-to-www-redirect`] === 'true')
    manifests.push(...wwwRedirectRoutes(ing, input, httpsListeners, listenerName, coversHost, gw, out));
  if (ing.defaultBackend) {
    const ref = backendRefOf(ing, ing.defaultBackend, input.services, 'spec.defaultBackend', out);
    const sections = [...(httpsOnly ? [] : ['http']), ...(httpOnly ? [] : httpsListeners.map(listenerName))];
    if (ref)
      manifests.push(
        route(
          `${ing.name}-default-backend`,
          ing.namespace,
          sections.map((s) => ({ ...gw, sectionName: s })),
          undefined,
          [{ backendRefs: [ref] }],
        ),
      );
  }
  for (const k of Object.keys(a).sort())
    if (input.profile === 'ingress-nginx' && canaryAnnotations.includes(k)) continue;
    else if ((k.startsWith(ann.nginx) || k.startsWith(ann.traefik)) && !convertedAnnotations.has(k))
      out.push({
        object: ing.key,
        what: `metadata.annotations["${k}"]`,
        reason: `${a[k]}: no Gateway API equivalent in the standard channel (an implementation-specific policy or filter would be needed)`,
      });
    else if (
      (k.startsWith(ann.nginx) && input.profile !== 'ingress-nginx') ||
      (k.startsWith(ann.traefik) && input.profile !== 'traefik')
    )
      out.push({
        object: ing.key,
        what: `metadata.annotations["${k}"]`,
        reason: `ignored: the class runs under the ${input.profile} profile`,
      });
  return manifests;
}

/**
 * ingress-nginx `from-to-www-redirect`: an HTTPRoute for the other spelling of each host (`www.` added or removed,
 * when no Ingress of the class has it) whose one rule redirects to the annotated host. ingress-nginx answers 308
 * and drops one trailing `/` of the URI; RequestRedirect keeps the path and v1 standard codes are 301 and 302.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#redirect-fromto-www
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprequestredirectfilter
 */
function wwwRedirectRoutes(
  ing: Ingress,
  input: EmitInput,
  httpsListeners: readonly HttpsListener[],
  listenerName: (l: HttpsListener) => string,
  coversHost: (l: HttpsListener, host: string | undefined) => boolean,
  gw: Record<string, unknown>,
  out: Unconvertible[],
): Manifest[] {
  const taken = new Set(input.ingresses.flatMap((i) => i.rules.map((r) => r.host)));
  const manifests: Manifest[] = [];
  for (const host of new Set(ing.rules.map((r) => r.host))) {
    if (!host || host.startsWith('*.')) continue;
    const other = host.startsWith('www.') ? host.slice(4) : `www.${host}`;
    if (taken.has(other)) continue;
    const sections = ['http', ...httpsListeners.filter((l) => coversHost(l, other)).map(listenerName)];
    manifests.push(
      route(
        `${ing.name}-${slug(other)}-www-redirect`,
        ing.namespace,
        sections.map((sectionName) => ({ ...gw, sectionName })),
        other,
        [{ filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: host, statusCode: 301 } }] }],
      ),
    );
    out.push({
      object: ing.key,
      what: `metadata.annotations["${ann.nginx}from-to-www-redirect"]`,
      reason: `${other} → ${host}: ingress-nginx answers 308 and drops one trailing / of the URI; the emitted RequestRedirect answers 301 and keeps the path`,
    });
  }
  return manifests;
}

function route(
  name: string,
  namespace: string,
  parentRefs: Record<string, unknown>[],
  host: string | undefined,
  rules: Record<string, unknown>[],
): Manifest {
  return {
    apiVersion: v1,
    kind: 'HTTPRoute',
    metadata: { name, namespace },
    spec: { parentRefs, ...(host ? { hostnames: [host] } : {}), rules },
  };
}

export function backendRefOf(
  ing: Ingress,
  b: IngressBackend,
  services: ReadonlyMap<string, Service>,
  at: string,
  out: Unconvertible[],
): Record<string, unknown> | undefined {
  if (!b.service) {
    const r = b.resource!;
    out.push({
      object: ing.key,
      what: at,
      reason: `resource backend ${r.kind}/${r.name} becomes a backendRef of kind ${r.kind}${r.apiGroup ? ` (group ${r.apiGroup})` : ''}: backendRefs other than Services are implementation-specific, the gateway must support that kind`,
    });
    return { group: r.apiGroup ?? '', kind: r.kind, name: r.name };
  }
  const { name, port } = b.service;
  if (typeof port === 'number') return { name, port };
  const svcPort = services.get(`${ing.namespace}/${name}`)?.ports.find((p) => p.name === port)?.port;
  if (svcPort === undefined) {
    out.push({
      object: ing.key,
      what: at,
      reason: `port name ${port} of Service ${ing.namespace}/${name} cannot be resolved to a number (backendRefs need one); not converted`,
    });
    return undefined;
  }
  return { name, port: svcPort };
}
