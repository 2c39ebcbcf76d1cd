import type { IngressBackend } from '../../model/routing.ts';
import { resolveIngressClass } from '../ingress/index.ts';
import { gatewayAnalysisOf } from './_gateway-analysis.ts';
import { judgeCertificate } from '../tls/index.ts';
import type { DoctorRule, Finding } from './types.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { HTTPRoute } from '../../model/routing.ts';
import { lookup } from '../../model/lookup.ts';
import type { Condition, RouteStatus } from '../gateway/index.ts';
import { openshiftRouteBackendProblems } from './_openshift-routes.ts';

/**
 * Every route-parent condition of a given type that is False, with the route it belongs to. The Gateway API
 * analysis runs once per model, shared by the rules that read it.
 */
function falseRouteConditions(model: ClusterModel, type: 'Accepted' | 'ResolvedRefs') {
  const out: { rs: RouteStatus; parent: string; c: Condition; route?: HTTPRoute }[] = [];
  if (!model.routing?.routes.length && !model.routing?.l4Routes.length) return out;
  const analysis = gatewayAnalysisOf(model);
  const routes = new Map(model.routing.routes.map((r) => [r.key, r]));
  for (const rs of analysis.routes)
    for (const parent of rs.parents)
      for (const c of parent.conditions)
        if (c.type === type && c.status === 'False')
          out.push({ rs, parent: parent.parent, c, route: routes.get(rs.key) });
  return out;
}

/**
 * An Ingress no controller serves: its class is not declared, or it names none and no (single) default
 * IngressClass exists. https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class
 */
export const ingressClassUnresolved: DoctorRule = {
  code: 'ingress-class-unresolved',
  severity: 'error',
  summary: 'an Ingress whose IngressClass does not exist, or that names none with no single default class',
  check: ({ model }) =>
    (model.routing?.ingresses ?? []).flatMap((ing) => {
      const r = resolveIngressClass(ing, model.routing!.ingressClasses);
      return r.problem
        ? [
            {
              code: 'ingress-class-unresolved',
              severity: 'error' as const,
              message: `Ingress ${ing.namespace}/${ing.name}: ${r.problem}`,
              objects: [{ key: ing.key, source: ing.source }],
              breaks:
                'no ingress controller serves this Ingress: its hosts and paths answer 404 (or nothing)',
              fix: r.className
                ? `Declare IngressClass ${r.className} (with the controller that serves it), or use an existing class.`
                : 'Set spec.ingressClassName.',
            },
          ]
        : [];
    }),
};

function backendProblem(model: ClusterModel, ns: string, b: IngressBackend): string | undefined {
  if (!b.service) return undefined;
  const svc = lookup(model).serviceByRef(`${ns}/${b.service.name}`);
  if (!svc) return `Service ${ns}/${b.service.name} does not exist`;
  const port = b.service.port;
  if (!svc.ports.some((p) => (typeof port === 'number' ? p.port === port : p.name === port)))
    return `Service ${ns}/${b.service.name} has no port ${port} (ports: ${svc.ports.map((p) => (p.name ? `${p.name}=${p.port}` : String(p.port))).join(', ') || 'none'})`;
  return undefined;
}

/**
 * Backends that do not exist: an Ingress backend naming a missing Service or port, an HTTPRoute whose
 * ResolvedRefs is False (BackendNotFound, RefNotPermitted, InvalidKind).
 * https://gateway-api.sigs.k8s.io/reference/spec/#routeconditionreason
 */
export const backendNotFound: DoctorRule = {
  code: 'backend-not-found',
  severity: 'error',
  summary:
    'an Ingress, Gateway API route or OpenShift Route backend naming a Service or port that does not exist (or is not permitted)',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const ing of model.routing?.ingresses ?? []) {
      const backends = [
        ...(ing.defaultBackend
          ? [{ b: ing.defaultBackend, source: ing.source, at: 'spec.defaultBackend' }]
          : []),
        ...ing.rules.flatMap((r, i) =>
          r.paths.map((p, j) => ({
            b: p.backend,
            source: p.source ?? ing.source,
            at: `spec.rules[${i}].http.paths[${j}]`,
          })),
        ),
      ];
      for (const { b, source, at } of backends) {
        const problem = backendProblem(model, ing.namespace, b);
        if (problem)
          out.push({
            code: 'backend-not-found',
            severity: 'error',
            message: `Ingress ${ing.namespace}/${ing.name} ${at}: ${problem}`,
            objects: [{ key: ing.key, source: source ? { ...source, path: at } : undefined }],
            breaks: 'requests matching this path get 503 from the controller',
            fix: 'Point the backend at an existing Service and one of its ports.',
          });
      }
    }
    for (const { rs, parent, c, route } of falseRouteConditions(model, 'ResolvedRefs')) {
      out.push({
        code: 'backend-not-found',
        severity: 'error',
        message:
          `${rs.kind} ${rs.namespace}/${rs.name} on ${parent}: ResolvedRefs False (${c.reason}) ${c.message}`.trim(),
        objects: [{ key: rs.key, source: route?.source }],
        breaks: 'requests to the rules with unresolved backends get 500 from the gateway',
        fix:
          c.reason === 'RefNotPermitted'
            ? 'Add a ReferenceGrant in the backend namespace allowing this route.'
            : 'Point backendRefs at an existing Service and port.',
      });
    }
    out.push(...openshiftRouteBackendProblems(model));
    return out;
  },
};

/** Routes a Gateway did not accept: NoMatchingParent, NotAllowedByListeners, NoMatchingListenerHostname, … */
export const routeNotAttached: DoctorRule = {
  code: 'route-not-attached',
  severity: 'error',
  summary:
    'an HTTPRoute or GRPCRoute that a parent Gateway did not accept (Accepted False, with the upstream reason)',
  check: ({ model }) => {
    const out: Finding[] = [];
    for (const { rs, parent, c, route } of falseRouteConditions(model, 'Accepted')) {
      out.push({
        code: 'route-not-attached',
        severity: 'error',
        message: `${rs.kind} ${rs.namespace}/${rs.name} is not attached to ${parent}: ${c.reason}${c.message ? ` — ${c.message}` : ''}`,
        objects: [{ key: rs.key, source: route?.source }],
        breaks: "none of this route's rules are served by that Gateway",
        fix: 'Match parentRefs (name, sectionName, port) to a listener whose allowedRoutes and hostname admit the route.',
      });
    }
    return out;
  },
};

/**
 * TLS that will not work: a Secret missing (and not issued by a declared cert-manager issuer), unparsable,
 * not covering the host, expired or not yet valid. https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 */
export const tlsCertificateProblem: DoctorRule = {
  code: 'tls-certificate-problem',
  severity: 'error',
  summary:
    'an Ingress TLS host or HTTPS listener whose certificate is missing, unparsable, expired or not covering the host',
  check: ({ model, certificates, now }) => {
    const routing = model.routing;
    if (!routing) return [];
    const out: Finding[] = [];
    const seen = new Set<string>();
    const judge = (
      key: string,
      source: Finding['objects'][0]['source'],
      ns: string,
      secret: string,
      host: string,
      from: string,
    ) => {
      const c = judgeCertificate(
        routing,
        { namespace: ns, name: secret, from },
        host,
        certificates ?? new Map(),
        now ?? '',
      );
      if (c.status === 'ok' || (c.status === 'secret-missing' && c.certManager?.issuerDeclared)) return;
      const id = `${key}/${secret}/${c.status}`;
      if (seen.has(id)) return;
      seen.add(id);
      out.push({
        code: 'tls-certificate-problem',
        severity: 'error',
        message: `${from} for ${host}: ${c.status} — ${c.message}`,
        objects: [{ key, source }],
        breaks: `HTTPS clients of ${host} get the controller's default certificate (or a rejected one) and refuse the connection`,
        fix:
          c.status === 'secret-missing'
            ? c.certManager
              ? `Declare ${c.certManager.issuer} (cert-manager), or create Secret ${ns}/${secret}.`
              : `Create the kubernetes.io/tls Secret ${ns}/${secret}, or a cert-manager Certificate for it.`
            : 'Issue a certificate whose SANs cover the host and that is currently valid.',
      });
    };
    for (const ing of routing.ingresses)
      ing.tls.forEach((t, i) => {
        if (!t.secretName) return;
        for (const host of t.hosts)
          judge(
            ing.key,
            ing.source ? { ...ing.source, path: `spec.tls[${i}]` } : undefined,
            ing.namespace,
            t.secretName,
            host,
            `Ingress/${ing.namespace}/${ing.name} spec.tls[${i}]`,
          );
      });
    for (const gw of routing.gateways)
      for (const l of gw.listeners) {
        if (l.protocol !== 'HTTPS' || l.tls?.mode !== 'Terminate') continue;
        for (const ref of l.tls.certificateRefs)
          judge(
            gw.key,
            l.source ?? gw.source,
            ref.namespace ?? l.set?.namespace ?? gw.namespace,
            ref.name,
            l.hostname ?? `*.${gw.name}.invalid`,
            `${l.set?.key ?? `Gateway/${gw.namespace}/${gw.name}`} listener ${l.name}`,
          );
      }
    return out;
  },
};
