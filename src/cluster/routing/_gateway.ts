import type {
  AllowedListeners,
  FrontendValidation,
  Gateway,
  GatewayClass,
  Listener,
  ListenerOwner,
  ReferenceGrant,
  RouteGroupKind,
  SecretObjectRef,
} from '../../model/routing.ts';
import type { Envelope } from '../_envelope.ts';
import { readSelector } from '../_selectors.ts';
import { metaOf, namespacedMetaOf } from '../_envelope.ts';

export const gatewayGroup = 'gateway.networking.k8s.io';
const refuse = 'The API server would refuse this object; kubetwin leaves it out.';

/** GatewayClass: `spec.controllerName`. https://gateway-api.sigs.k8s.io/reference/spec/#gatewayclass */
export function readGatewayClass(e: Envelope): GatewayClass {
  const p = ['spec', 'parametersRef'];
  return {
    ...metaOf(e),
    controllerName: e.f.str(['spec', 'controllerName']) ?? '',
    ...(e.f.get(p) != null
      ? {
          parametersRef: {
            group: e.f.str([...p, 'group']) ?? '',
            kind: e.f.str([...p, 'kind']) ?? '',
            name: e.f.str([...p, 'name']) ?? '',
            namespace: e.f.str([...p, 'namespace']),
          },
        }
      : {}),
  };
}

/**
 * Gateway listeners with the API defaults: `allowedRoutes.namespaces.from: Same`, `tls.mode: Terminate`,
 * certificateRefs of kind Secret in the Gateway's namespace; listener names must be unique.
 * https://gateway-api.sigs.k8s.io/reference/spec/#listener
 */
export function readGateway(e: Envelope): Gateway {
  const f = e.f;
  const listeners = readListeners(f, 'Gateway');
  const p = ['spec', 'infrastructure', 'parametersRef'];
  const frontend = ['spec', 'tls', 'frontend'];
  return {
    ...(f.get(frontend) != null
      ? {
          frontendValidation: {
            default: readValidation(f, [...frontend, 'default', 'validation']),
            perPort: f.list([...frontend, 'perPort']).map((_, i) => ({
              port: f.int([...frontend, 'perPort', i, 'port']) ?? 0,
              validation: readValidation(f, [...frontend, 'perPort', i, 'tls', 'validation']),
            })),
          },
        }
      : {}),
    ...namespacedMetaOf(e),
    gatewayClassName: f.str(['spec', 'gatewayClassName']) ?? '',
    listeners,
    ...readAllowedListeners(f),
    // GatewaySpecAddress: `type` defaults to IPAddress. https://gateway-api.sigs.k8s.io/reference/spec/#gatewayspecaddress
    addresses: f.list(['spec', 'addresses']).map((_, i) => ({
      type: f.str(['spec', 'addresses', i, 'type']) ?? 'IPAddress',
      value: f.str(['spec', 'addresses', i, 'value']) ?? '',
    })),
    ...(f.get(p) != null
      ? {
          parametersRef: {
            group: f.str([...p, 'group']) ?? '',
            kind: f.str([...p, 'kind']) ?? '',
            name: f.str([...p, 'name']) ?? '',
          },
        }
      : {}),
  };
}

/**
 * `spec.allowedListeners.namespaces` (GEP-1713): `from` None (the default: no ListenerSet attaches), Same, All or
 * Selector; a Selector with no selector admits no namespace.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#gateway-listenerset-handshake
 */
function readAllowedListeners(f: Envelope['f']): { allowedListeners?: AllowedListeners } {
  const at = ['spec', 'allowedListeners', 'namespaces'];
  if (f.get(['spec', 'allowedListeners']) == null) return {};
  const from = f.str([...at, 'from']) ?? 'None';
  if (!['None', 'Same', 'All', 'Selector'].includes(from)) {
    f.report(
      'invalid-gateway',
      'error',
      [...at, 'from'],
      'allowedListeners.namespaces.from must be None, Same, All or Selector',
      refuse,
    );
    return {};
  }
  return {
    allowedListeners: {
      from: from as AllowedListeners['from'],
      selector:
        from === 'Selector' && f.get([...at, 'selector']) != null
          ? readSelector(f, [...at, 'selector'])
          : undefined,
    },
  };
}

/**
 * The `spec.listeners` of a Gateway or a ListenerSet (whose ListenerEntry has the same fields and defaults); names
 * must be unique within the object. `set` marks a ListenerSet's listeners.
 */
export function readListeners(f: Envelope['f'], of: string, set?: ListenerOwner): Listener[] {
  const code = of === 'Gateway' ? 'invalid-gateway' : 'invalid-listenerset';
  const names = new Set<string>();
  const listeners: Listener[] = [];
  f.list(['spec', 'listeners']).forEach((_, i) => {
    const at = ['spec', 'listeners', i];
    const name = f.str([...at, 'name']) ?? '';
    const port = f.int([...at, 'port']);
    const protocol = f.str([...at, 'protocol']) ?? '';
    if (!name || port === undefined || !protocol) {
      f.report(code, 'error', at, `listeners[${i}] needs name, port and protocol`, refuse);
      return;
    }
    if (names.has(name))
      f.report(
        code,
        'error',
        [...at, 'name'],
        `listener name "${name}" is used twice; names must be unique within a ${of}`,
        refuse,
      );
    names.add(name);
    const hasTls = f.get([...at, 'tls']) !== undefined;
    const certificateRefs: SecretObjectRef[] = f.list([...at, 'tls', 'certificateRefs']).map((__, j) => ({
      group: f.str([...at, 'tls', 'certificateRefs', j, 'group']) ?? '',
      kind: f.str([...at, 'tls', 'certificateRefs', j, 'kind']) ?? 'Secret',
      name: f.str([...at, 'tls', 'certificateRefs', j, 'name']) ?? '',
      namespace: f.str([...at, 'tls', 'certificateRefs', j, 'namespace']),
    }));
    const from = (f.str([...at, 'allowedRoutes', 'namespaces', 'from']) ??
      'Same') as Listener['allowedRoutes']['from'];
    if (!['Same', 'All', 'Selector'].includes(from))
      f.report(
        code,
        'error',
        [...at, 'allowedRoutes', 'namespaces', 'from'],
        `allowedRoutes.namespaces.from must be Same, All or Selector`,
        refuse,
      );
    // `selector:` with no value is pruned like an absent key (a CRD field), so the listener admits routes from no
    // namespace, not from every one. https://gateway-api.sigs.k8s.io/reference/spec/#routenamespaces
    if (from === 'Selector' && f.get([...at, 'allowedRoutes', 'namespaces', 'selector']) == null)
      f.report(
        'null-selector',
        'warning',
        [
          ...at,
          'allowedRoutes',
          'namespaces',
          f.get([...at, 'allowedRoutes', 'namespaces', 'selector']) === null ? 'selector' : 'from',
        ],
        `allowedRoutes.namespaces.from is Selector but the selector is ${f.get([...at, 'allowedRoutes', 'namespaces', 'selector']) === null ? 'null (pruned as absent)' : 'missing'}: the listener admits routes from no namespace`,
        'Write selector: {} for every namespace (or from: All), or the labels of the namespaces to admit.',
      );
    const kinds: RouteGroupKind[] = f.list([...at, 'allowedRoutes', 'kinds']).map((__, j) => ({
      group: f.str([...at, 'allowedRoutes', 'kinds', j, 'group']) ?? gatewayGroup,
      kind: f.str([...at, 'allowedRoutes', 'kinds', j, 'kind']) ?? '',
    }));
    listeners.push({
      name,
      port,
      protocol,
      hostname: f.str([...at, 'hostname'])?.toLowerCase(),
      tls: hasTls
        ? {
            mode: (f.str([...at, 'tls', 'mode']) ?? 'Terminate') as 'Terminate' | 'Passthrough',
            certificateRefs,
          }
        : undefined,
      allowedRoutes: {
        from,
        selector:
          from === 'Selector'
            ? readSelector(f, [...at, 'allowedRoutes', 'namespaces', 'selector'])
            : undefined,
        kinds,
      },
      ...(set ? { set } : {}),
      source: f.raw.locate(at),
    });
  });
  return listeners;
}

/**
 * One `validation` of `spec.tls.frontend` with the defaults: caCertificateRefs of kind ConfigMap in the core group,
 * mode AllowValidOnly. https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation
 */
function readValidation(f: Envelope['f'], at: (string | number)[]): FrontendValidation | undefined {
  if (f.get(at) == null) return undefined;
  return {
    caCertificateRefs: f.list([...at, 'caCertificateRefs']).map((_, j) => ({
      group: f.str([...at, 'caCertificateRefs', j, 'group']) ?? '',
      kind: f.str([...at, 'caCertificateRefs', j, 'kind']) ?? 'ConfigMap',
      name: f.str([...at, 'caCertificateRefs', j, 'name']) ?? '',
      namespace: f.str([...at, 'caCertificateRefs', j, 'namespace']),
    })),
    mode: f.str([...at, 'mode']) === 'AllowInsecureFallback' ? 'AllowInsecureFallback' : 'AllowValidOnly',
  };
}

/** ReferenceGrant `from` and `to` lists. https://gateway-api.sigs.k8s.io/api-types/referencegrant/ */
export function readReferenceGrant(e: Envelope): ReferenceGrant {
  const f = e.f;
  return {
    ...namespacedMetaOf(e),
    from: f.list(['spec', 'from']).map((_, i) => ({
      group: f.str(['spec', 'from', i, 'group']) ?? '',
      kind: f.str(['spec', 'from', i, 'kind']) ?? '',
      namespace: f.str(['spec', 'from', i, 'namespace']) ?? '',
    })),
    to: f.list(['spec', 'to']).map((_, i) => ({
      group: f.str(['spec', 'to', i, 'group']) ?? '',
      kind: f.str(['spec', 'to', i, 'kind']) ?? '',
      name: f.str(['spec', 'to', i, 'name']),
    })),
  };
}
