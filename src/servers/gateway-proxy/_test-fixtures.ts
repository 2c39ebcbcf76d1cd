/**
 * Fixtures shared by the gateway's socket tests: the GatewayClass every test Gateway names, a plain Service, the
 * router compiled for Gateway `default/gw`, a server listening on a loopback ephemeral port, and whether openssl
 * (which makes the dev certificates) is installed.
 */
import { spawnSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter } from '../../analysis/route/index.ts';

/** The GatewayClass `gc` (a YAML document, newline-terminated: follow it with `---`). */
export const gatewayClass = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
`;

/** A Service `name` in `default` selecting `app: name`, port 80 (a YAML document, newline-terminated). */
export const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{port: 80}]}
`;

/** The model of `text` and the router of its Gateway `default/gw`; throws the reason when there is none. */
export function gatewayRouter(text: string) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof router === 'string') throw new Error(router);
  return { model, router };
}

/** Starts `server` on 127.0.0.1, an ephemeral port; resolves with its `http://` URL (the upstream to map). */
export function listenLocal(server: {
  listen(port: number, host: string, cb: () => void): unknown;
  address(): unknown;
}): Promise<URL> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
    ),
  );
}

/** Whether openssl is installed (the dev certificates need it). */
export const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
