/**
 * The preamble the Gateway API tests share: the GatewayClass `gc` and the Gateway `gw` of it whose listeners a
 * test varies, as YAML documents its own objects follow.
 */

/** The GatewayClass `gc` of controller `example.com/gc` (a YAML document, newline-terminated). */
export const gatewayClass = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
`;

/** The plain HTTP listener on port 80 most tests route through. */
export const httpListener = '{name: http, port: 80, protocol: HTTP}';

export interface GatewayOptions {
  /** The Gateway's namespace (default `default`). */
  readonly namespace?: string;
  /** More of the Gateway's spec, as YAML lines indented two spaces, newline-terminated (`  tls: …\n`). */
  readonly spec?: string;
}

/**
 * GatewayClass `gc`, then Gateway `gw` of class `gc` with `listeners` — one flow map a listener, or the YAML
 * value of `listeners` as written — ending with `---` so the test's objects follow.
 * @example gatewayPreamble([httpListener]) + service
 */
export function gatewayPreamble(listeners: string | readonly string[], options: GatewayOptions = {}): string {
  const list = typeof listeners === 'string' ? ` ${listeners}` : listeners.map((l) => `\n  - ${l}`).join('');
  return `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: ${options.namespace ?? 'default'}}
spec:
  gatewayClassName: gc
  listeners:${list}
${options.spec ?? ''}---
`;
}
