/**
 * Istio Gateway ↔ VirtualService binding problems found while reading them, each at its line:
 * - `mesh-unknown-gateway`: a VirtualService `gateways` entry names no Gateway in the input (istioctl analyze
 *   IST0101 ReferencedResourceNotFound): the VirtualService routes nothing there.
 *   https://istio.io/latest/docs/reference/config/analysis/ist0101/
 * - `mesh-gateway-host-mismatch`: a VirtualService names a Gateway none of whose servers shares a host with it
 *   (IST0132 VirtualServiceHostNotFoundInGateway). https://istio.io/latest/docs/reference/config/analysis/ist0132/
 * - `istio-gateway-server-unbound`: a server on an HTTP port that no VirtualService binds: the gateway answers
 *   404 for every request to it; a TCP or TLS PASSTHROUGH server no VirtualService with `tcp` (`tls`) rules
 *   binds: the gateway closes every connection. (AUTO_PASSTHROUGH servers route by SNI without a VirtualService.)
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { IstioGateway, VirtualService } from '../../model/mesh.ts';
import type { Envelope } from '../_envelope.ts';
import { boundHosts, gatewayRefOf } from './_istio-gateway-bind.ts';

const httpProtocols = new Set(['HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC-WEB']);
const tcpProtocols = new Set(['TCP', 'MONGO', 'MYSQL', 'REDIS']);

export function checkGatewayBinding(
  vsEnvs: readonly Envelope[],
  vss: readonly VirtualService[],
  gws: readonly IstioGateway[],
  domain: string,
  sink: (d: Diagnostic) => void,
): void {
  const byRef = new Map(gws.map((g) => [`${g.namespace}/${g.name}`, g]));
  const envOf = new Map(vsEnvs.map((e) => [e.key, e]));
  for (const vs of vss) {
    const e = envOf.get(vs.key);
    vs.gateways.forEach((entry, i) => {
      const ref = gatewayRefOf(entry, vs.namespace);
      if (!ref) return;
      const gw = byRef.get(ref);
      const source = e?.raw.locate(['spec', 'gateways', i]);
      if (!gw) {
        sink({
          code: 'mesh-unknown-gateway',
          severity: 'warning',
          message: `${vs.key} spec.gateways[${i}] names Gateway ${ref}, which is not among the manifests: the VirtualService routes nothing through it`,
          source,
          object: vs.key,
          hint: `Name an existing Istio Gateway as <namespace>/<name> (a short name is read in ${vs.namespace}), or create ${ref}.`,
        });
        return;
      }
      if (!gw.servers.some((s) => boundHosts(vs, gw, s, domain).length))
        sink({
          code: 'mesh-gateway-host-mismatch',
          severity: 'warning',
          message: `${vs.key} names Gateway ${ref}, but none of its hosts (${vs.hosts.join(', ')}) is served there (server hosts: ${[...new Set(gw.servers.flatMap((s) => s.hosts))].join(', ')}), or the VirtualService's namespace or exportTo keeps it out: the gateway does not use it`,
          source,
          object: vs.key,
          hint: 'Make a VirtualService host match a server host of the Gateway (exactly or by wildcard).',
        });
    });
  }
  for (const gw of gws)
    for (const s of gw.servers) {
      const l4 = tcpProtocols.has(s.protocol) ? 'tcp' : s.tls?.mode === 'PASSTHROUGH' ? 'tls' : undefined;
      if (l4) {
        if (vss.some((vs) => vs[l4].length && boundHosts(vs, gw, s, domain).length)) continue;
        sink({
          code: 'istio-gateway-server-unbound',
          severity: 'warning',
          message: `${gw.key} spec.servers[${s.index}] (port ${s.port} ${s.protocol}${s.tls ? ` tls ${s.tls.mode}` : ''}, hosts ${s.hosts.join(', ')}) has no VirtualService with ${l4} rules bound to it: the gateway closes every connection there`,
          source: s.source,
          object: gw.key,
          hint: `Add a VirtualService with gateways: [${gw.namespace}/${gw.name}], a host the server lists and ${l4} rules${l4 === 'tls' ? ' matching the SNI (sniHosts)' : ''}.`,
        });
        continue;
      }
      if (!httpProtocols.has(s.protocol) || s.tls?.httpsRedirect) continue;
      if (s.tls?.mode === 'AUTO_PASSTHROUGH') continue;
      if (vss.some((vs) => boundHosts(vs, gw, s, domain).length)) continue;
      sink({
        code: 'istio-gateway-server-unbound',
        severity: 'warning',
        message: `${gw.key} spec.servers[${s.index}] (port ${s.port} ${s.protocol}, hosts ${s.hosts.join(', ')}) has no VirtualService bound to it: the gateway answers 404 for every request there`,
        source: s.source,
        object: gw.key,
        hint: `Add a VirtualService with gateways: [${gw.namespace}/${gw.name}] and a host the server lists.`,
      });
    }
}
