/**
 * Istio `Gateway` (networking.istio.io) → the mesh model. What istiod's validation refuses (no servers, a
 * server without port number or hosts, an unknown protocol, HTTPS or TLS without `tls`, a SIMPLE or MUTUAL
 * server with no certificate) is reported at its line and the object is left out.
 * https://istio.io/latest/docs/reference/config/networking/gateway/
 */
import type { IstioGateway, IstioGatewayServer } from '../../model/mesh.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';

const refused = 'istiod validation refuses it, so kubetwin leaves the object out.';

/** `Port.protocol` values (istio/api networking/v1 gateway.proto). */
export const gatewayProtocols: readonly string[] = [
  'HTTP',
  'HTTPS',
  'GRPC',
  'GRPC-WEB',
  'HTTP2',
  'MONGO',
  'TCP',
  'TLS',
  'MYSQL',
  'REDIS',
];

/** `ServerTLSSettings.TLSmode` values; SIMPLE is the enum's zero value. */
export const gatewayTlsModes: readonly string[] = [
  'PASSTHROUGH',
  'SIMPLE',
  'MUTUAL',
  'AUTO_PASSTHROUGH',
  'ISTIO_MUTUAL',
  'OPTIONAL_MUTUAL',
];

export function readIstioGateway(e: Envelope): IstioGateway {
  const f = e.f;
  const bad = (at: (string | number)[], message: string) =>
    f.report('invalid-mesh-gateway', 'error', at, `${message}; ${refused}`);
  const list = f.list(['spec', 'servers']);
  if (!list.length) bad(['spec', 'servers'], 'spec.servers must list at least one server');
  const servers: IstioGatewayServer[] = list.flatMap((_, i) => {
    const at = ['spec', 'servers', i];
    const port = f.int([...at, 'port', 'number']);
    const protocol = (f.str([...at, 'port', 'protocol']) ?? '').toUpperCase();
    const hosts = f
      .list([...at, 'hosts'])
      .flatMap((_, j) => f.str([...at, 'hosts', j]) ?? [])
      .map((h) => h.toLowerCase());
    if (port === undefined) bad([...at, 'port'], `servers[${i}].port.number is required`);
    if (!gatewayProtocols.includes(protocol))
      bad(
        [...at, 'port', 'protocol'],
        `servers[${i}].port.protocol "${protocol}" is not one of ${gatewayProtocols.join(', ')}`,
      );
    if (!hosts.length) bad([...at, 'hosts'], `servers[${i}].hosts must name at least one host`);
    const tlsAt = [...at, 'tls'];
    const hasTls = f.map(tlsAt) !== undefined;
    const mode = (f.str([...tlsAt, 'mode']) ?? 'SIMPLE').toUpperCase();
    const credentialName = f.str([...tlsAt, 'credentialName']);
    const redirect = f.bool([...tlsAt, 'httpsRedirect']) ?? false;
    if ((protocol === 'HTTPS' || protocol === 'TLS') && !hasTls)
      bad(at, `servers[${i}] is ${protocol} without tls settings`);
    if (hasTls && !gatewayTlsModes.includes(mode))
      bad([...tlsAt, 'mode'], `servers[${i}].tls.mode "${mode}" is not one of ${gatewayTlsModes.join(', ')}`);
    const fileCert = f.str([...tlsAt, 'serverCertificate']) && f.str([...tlsAt, 'privateKey']);
    // httpsRedirect alone on a plain HTTP server carries no certificate and needs none.
    const terminates = protocol === 'HTTPS' || protocol === 'TLS';
    if (terminates && hasTls && ['SIMPLE', 'MUTUAL'].includes(mode) && !credentialName && !fileCert)
      bad(tlsAt, `servers[${i}].tls mode ${mode} needs credentialName (or serverCertificate and privateKey)`);
    if (port === undefined || !hosts.length) return [];
    return [
      {
        index: i,
        port,
        protocol,
        portName: f.str([...at, 'port', 'name']),
        hosts,
        ...(hasTls ? { tls: { mode, credentialName, httpsRedirect: redirect } } : {}),
        source: f.raw.locate(at),
      },
    ];
  });
  const t = f.get(['metadata', 'creationTimestamp']);
  return {
    ...namespacedMetaOf(e),
    selector: f.stringMap(['spec', 'selector']),
    servers,
    creationTimestamp: typeof t === 'string' ? t : undefined,
  };
}
