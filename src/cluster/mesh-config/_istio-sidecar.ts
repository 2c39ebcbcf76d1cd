/**
 * Istio `Sidecar` → the mesh model. What istiod's validation refuses (an egress listener without hosts, a host
 * not written `namespace/dnsName`, a `workloadSelector` without labels, an unknown outboundTrafficPolicy mode) is
 * reported at its line and the object is left out, as istiod rejects it.
 * https://istio.io/latest/docs/reference/config/networking/sidecar/
 * https://github.com/istio/istio/blob/master/pkg/config/validation/validation.go (ValidateSidecar)
 */
import type { IstioSidecar, IstioSidecarEgress } from '../../model/mesh.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';

const refused = 'istiod validation refuses it, so kubetwin leaves the Sidecar out.';
const modes = ['ALLOW_ANY', 'REGISTRY_ONLY'] as const;

export function readIstioSidecar(e: Envelope): IstioSidecar {
  const f = e.f;
  const bad = (at: (string | number)[], message: string, hint?: string) =>
    f.report('invalid-mesh-sidecar', 'error', at, `${message}; ${refused}`, hint);
  const egress: IstioSidecarEgress[] = f.list(['spec', 'egress']).map((_, i) => {
    const at = ['spec', 'egress', i];
    const hosts = f
      .list([...at, 'hosts'])
      .flatMap((_, j) => f.str([...at, 'hosts', j]) ?? [])
      .map((h) => h.toLowerCase());
    if (!hosts.length)
      bad(
        [...at, 'hosts'],
        `egress[${i}] has no hosts`,
        'List hosts as namespace/dnsName (`./*`, `istio-system/*`).',
      );
    hosts.forEach((h, j) => {
      const [ns, name] = h.split('/', 2);
      if (!h.includes('/') || !ns || !name)
        bad(
          [...at, 'hosts', j],
          `egress[${i}].hosts[${j}] "${h}" is not of the form namespace/dnsName`,
          `Write it as ./${h} (this namespace) or */${h} (any namespace).`,
        );
    });
    const port = f.int([...at, 'port', 'number']);
    return {
      index: i,
      ...(port !== undefined ? { port } : {}),
      ...(f.str([...at, 'port', 'protocol'])
        ? { protocol: f.str([...at, 'port', 'protocol'])!.toUpperCase() }
        : {}),
      ...(f.str([...at, 'bind']) ? { bind: f.str([...at, 'bind']) } : {}),
      ...(f.str([...at, 'captureMode']) ? { captureMode: f.str([...at, 'captureMode'])!.toUpperCase() } : {}),
      hosts,
      source: f.raw.locate(at),
    };
  });
  // One catch-all listener (no port), the last one; IP-bound ports unique (ValidateSidecar).
  egress.forEach((l, i) => {
    if (l.port === undefined && i !== egress.length - 1)
      bad(['spec', 'egress', i], 'the egress listener without port (the catch-all) must be the last one');
    else if (l.port !== undefined && l.port > 0 && egress.findIndex((o) => o.port === l.port) < i)
      bad(['spec', 'egress', i, 'port', 'number'], `egress port ${l.port} is given to two listeners`);
  });
  const selector = f.map(['spec', 'workloadSelector'])
    ? f.stringMap(['spec', 'workloadSelector', 'labels'])
    : undefined;
  if (selector && !Object.keys(selector).length)
    bad(['spec', 'workloadSelector'], 'workloadSelector has no labels');
  const mode = f.str(['spec', 'outboundTrafficPolicy', 'mode'])?.toUpperCase();
  if (mode !== undefined && !(modes as readonly string[]).includes(mode))
    bad(
      ['spec', 'outboundTrafficPolicy', 'mode'],
      `outboundTrafficPolicy.mode "${mode}" must be ALLOW_ANY or REGISTRY_ONLY`,
    );
  const otp = f.map(['spec', 'outboundTrafficPolicy']);
  const egressProxy = f.str(['spec', 'outboundTrafficPolicy', 'egressProxy', 'host']);
  const t = f.get(['metadata', 'creationTimestamp']);
  return {
    ...namespacedMetaOf(e),
    ...(selector ? { workloadSelector: selector } : {}),
    egress,
    ingressPorts: f
      .list(['spec', 'ingress'])
      .flatMap((_, i) => f.int(['spec', 'ingress', i, 'port', 'number']) ?? []),
    ...(otp
      ? {
          // istiod's zero value for an unset mode is REGISTRY_ONLY (the enum's first value).
          outboundTrafficPolicy: {
            mode: (mode ?? 'REGISTRY_ONLY') as 'ALLOW_ANY' | 'REGISTRY_ONLY',
            ...(egressProxy ? { egressProxy } : {}),
          },
        }
      : {}),
    creationTimestamp: typeof t === 'string' ? t : undefined,
  };
}
