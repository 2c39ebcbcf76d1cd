import type {
  Ingress,
  IngressBackend,
  IngressClass,
  IngressPathType,
  IngressRule,
  IngressTLS,
} from '../../model/routing.ts';
import type { PathSegment } from '../../parse/index.ts';
import type { Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';
import { metaOf, namespacedMetaOf } from '../_envelope.ts';
import { canonicalIP } from '../../lib/ip.ts';

const pathTypes: readonly IngressPathType[] = ['Exact', 'Prefix', 'ImplementationSpecific'];
const refuse = 'The API server would refuse this Ingress; kubetwin leaves it out.';

/**
 * IngressClass: `spec.controller`, `spec.parameters` and the default-class annotation.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class
 */
export function readIngressClass(e: Envelope): IngressClass {
  return {
    ...metaOf(e),
    controller: e.f.str(['spec', 'controller']) ?? '',
    isDefault: e.annotations['ingressclass.kubernetes.io/is-default-class'] === 'true',
    ...parametersOf(e.f),
  };
}

/** `spec.parameters` (kind and name are required when it is set; apiGroup is optional). */
function parametersOf(f: FieldReader): { parameters?: NonNullable<IngressClass['parameters']> } {
  const kind = f.str(['spec', 'parameters', 'kind']);
  const name = f.str(['spec', 'parameters', 'name']);
  if (kind === undefined || name === undefined) return {};
  const apiGroup = f.str(['spec', 'parameters', 'apiGroup']);
  return { parameters: { ...(apiGroup ? { apiGroup } : {}), kind, name } };
}

/**
 * Ingress v1, validated as the API server validates it: `pathType` is required, Exact and Prefix paths are
 * absolute, a rule host is a DNS name with at most a leading `*.`, a backend names a service or a resource.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/
 */
export function readIngress(e: Envelope): Ingress {
  const f = e.f;
  const rules: IngressRule[] = [];
  f.list(['spec', 'rules']).forEach((_, i) => {
    const at = ['spec', 'rules', i];
    const host = f.str([...at, 'host']);
    if (host !== undefined && !validHost(host))
      f.report(
        'invalid-ingress',
        'error',
        [...at, 'host'],
        host !== host.toLowerCase() && validHost(host.toLowerCase())
          ? `host "${host}" must be lower case (a DNS-1123 subdomain): the API server refuses "${host}"; write "${host.toLowerCase()}"`
          : `host "${host}" must be a DNS name, optionally with a leading "*." wildcard label, without port or IP`,
        refuse,
      );
    const paths = f.list([...at, 'http', 'paths']).map((__, j) => {
      const p = [...at, 'http', 'paths', j];
      const pathType = f.str([...p, 'pathType']);
      const path = f.str([...p, 'path']) ?? '';
      if (!pathType || !pathTypes.includes(pathType as IngressPathType))
        f.report(
          'invalid-ingress',
          'error',
          [...p, 'pathType'],
          `pathType must be Exact, Prefix or ImplementationSpecific (it is required in networking.k8s.io/v1)`,
          refuse,
        );
      else if (pathType !== 'ImplementationSpecific' && !path.startsWith('/'))
        f.report(
          'invalid-ingress',
          'error',
          [...p, 'path'],
          `path "${path}" must be absolute for pathType ${pathType}`,
          refuse,
        );
      return {
        path: path || '/',
        pathType: (pathType ?? 'Prefix') as IngressPathType,
        backend: readBackend(f, [...p, 'backend']) ?? {},
        source: f.raw.locate(p),
      };
    });
    rules.push({ host: host?.toLowerCase(), paths });
  });
  const tls: IngressTLS[] = f.list(['spec', 'tls']).map((_, i) => ({
    hosts: f
      .list(['spec', 'tls', i, 'hosts'])
      .map((__, j) => (f.str(['spec', 'tls', i, 'hosts', j]) ?? '').toLowerCase()),
    secretName: f.str(['spec', 'tls', i, 'secretName']),
  }));
  const defaultBackend =
    f.get(['spec', 'defaultBackend']) !== undefined ? readBackend(f, ['spec', 'defaultBackend']) : undefined;
  if (!rules.length && !defaultBackend)
    f.report('invalid-ingress', 'error', ['spec'], 'an Ingress needs rules or a defaultBackend', refuse);
  const created = f.map(['metadata'])?.creationTimestamp;
  return {
    ...namespacedMetaOf(e),
    ingressClassName: f.str(['spec', 'ingressClassName']),
    classAnnotation: e.annotations['kubernetes.io/ingress.class'],
    defaultBackend,
    rules,
    tls,
    ...(typeof created === 'string' ? { creationTimestamp: created } : {}),
    loadBalancerIngress: readLoadBalancerStatus(f),
  };
}

/**
 * `status.loadBalancer.ingress`: each entry's `ip`, else its `hostname` (a DNS-named load balancer such as an ALB),
 * lower-cased as DNS compares names. An `ip` that is no IP address, or a `hostname` that is one, is an invalid-field
 * error, as the API server's validation (`ValidateIngressLoadBalancerStatus`, kubernetes pkg/apis/networking/validation)
 * refuses it.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressStatus
 */
function readLoadBalancerStatus(f: FieldReader): string[] {
  const out: string[] = [];
  f.list(['status', 'loadBalancer', 'ingress']).forEach((_, i) => {
    const at = ['status', 'loadBalancer', 'ingress', i];
    const ip = f.str([...at, 'ip']);
    if (ip !== undefined && !canonicalIP(ip)) {
      f.report(
        'invalid-field',
        'error',
        [...at, 'ip'],
        `status.loadBalancer.ingress[${i}].ip "${ip}" is not an IP address`,
        'Give the address the load balancer reports (a DNS name goes in hostname); the API server refuses this status.',
      );
      return;
    }
    const hostname = f.str([...at, 'hostname']);
    if (ip === undefined && hostname !== undefined && canonicalIP(hostname)) {
      f.report(
        'invalid-field',
        'error',
        [...at, 'hostname'],
        `status.loadBalancer.ingress[${i}].hostname "${hostname}" is an IP address`,
        'Put an address in ip; the API server refuses an IP as hostname.',
      );
      return;
    }
    const v = ip ?? hostname?.toLowerCase().replace(/\.$/, '');
    if (v && !out.includes(v)) out.push(v);
  });
  return out;
}

function readBackend(f: FieldReader, at: PathSegment[]): IngressBackend | undefined {
  const name = f.str([...at, 'service', 'name']);
  const number = f.int([...at, 'service', 'port', 'number']);
  const portName = f.str([...at, 'service', 'port', 'name']);
  const kind = f.str([...at, 'resource', 'kind']);
  // validateIngressBackend (kubernetes pkg/apis/networking/validation): service and resource are exclusive.
  // https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressBackend
  if (name !== undefined && kind !== undefined) {
    f.report(
      'invalid-ingress',
      'error',
      at,
      'a backend sets both service and resource; it must set exactly one',
      refuse,
    );
    return undefined;
  }
  if (name !== undefined) {
    if (number !== undefined && portName !== undefined) {
      f.report(
        'invalid-ingress',
        'error',
        [...at, 'service', 'port'],
        'backend.service.port sets both number and name; it must set exactly one',
        refuse,
      );
      return undefined;
    }
    if (number === undefined && portName === undefined) {
      f.report(
        'invalid-ingress',
        'error',
        [...at, 'service', 'port'],
        'backend.service.port needs a number or a name',
        refuse,
      );
      return undefined;
    }
    return { service: { name, port: number ?? (portName as string) } };
  }
  if (kind !== undefined) {
    const apiGroup = f.str([...at, 'resource', 'apiGroup']);
    return {
      resource: { ...(apiGroup ? { apiGroup } : {}), kind, name: f.str([...at, 'resource', 'name']) ?? '' },
    };
  }
  f.report('invalid-ingress', 'error', at, 'a backend needs service or resource', refuse);
  return undefined;
}

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** IsDNS1123Subdomain / IsWildcardDNS1123Subdomain: lower case only (`Shop.example.com` is refused). */
function validHost(h: string): boolean {
  const rest = h.startsWith('*.') ? h.slice(2) : h;
  if (/^[0-9.]+$/.test(rest) || rest.includes(':')) return false;
  return rest.length > 0 && rest.length <= 253 && rest.split('.').every((l) => label.test(l));
}
