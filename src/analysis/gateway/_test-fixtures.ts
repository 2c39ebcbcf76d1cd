/**
 * Fixtures shared by the Gateway API tests: the GatewayClass `gc` they attach to, the CA ConfigMaps the TLS
 * validation tests name (each a YAML document, newline-terminated), and the explained decision of one request
 * through Gateway `default/gw`.
 */
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';

/** The GatewayClass `gc` of controller `example.com/gc` (shared with the tests outside this folder). */
export { gatewayClass } from '../../../test/helpers/gateway.ts';

/** A certificate-shaped PEM block (not a parsable certificate), as a YAML double-quoted string's content. */
export const pemLike = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n';

/** ConfigMaps in `default`: `ca` holding a `ca.crt`, and `empty` holding none. */
export const caConfigMaps = `apiVersion: v1
kind: ConfigMap
metadata: {name: ca, namespace: default}
data: {ca.crt: "${pemLike}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: empty, namespace: default}
data: {other: x}
`;

/** The full `route` answer (decision, endpoints, certificate) of `url` through Gateway `default/gw` of `text`; throws what refuses it. */
export function routeViaGateway(
  text: string,
  url: string,
  request: { readonly method?: string; readonly headers?: readonly string[] } = {},
) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const req = parseRequest({ url, ...request });
  if (typeof req === 'string') throw new Error(req);
  return r.explain(req);
}

/** The decision, with its losers and notes, of `url` through Gateway `default/gw` of `text`; throws what refuses it. */
export function explainViaGateway(
  text: string,
  url: string,
  request: { readonly method?: string; readonly headers?: readonly string[] } = {},
) {
  return routeViaGateway(text, url, request).decision;
}
