/**
 * Fixtures shared by the gateway's socket tests: the GatewayClass every test Gateway names, a plain Service, the
 * router compiled for Gateway `default/gw`, a server listening on a loopback ephemeral port, and whether openssl
 * (which makes the dev certificates) is installed; a client-certificate PKI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter } from '../../analysis/route/index.ts';

/** The GatewayClass `gc` (a YAML document, newline-terminated: follow it with `---`). */
export { gatewayClass } from '../../analysis/gateway/_test-fixtures.ts';

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

/**
 * A test PKI made with openssl: CA `ca`, a client certificate it signs, one it signed that expired yesterday, and
 * a client certificate of another CA (`other`). PEM texts; throws when openssl fails.
 */
export function makeClientPki(): {
  ca: string;
  client: { cert: string; key: string };
  expired: { cert: string; key: string };
  stranger: { cert: string; key: string };
} {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  try {
    for (const ca of ['ca', 'other'])
      ssl(
        'req',
        '-x509',
        ...ec,
        '-days',
        '2',
        '-subj',
        `/CN=${ca}`,
        '-keyout',
        `${ca}.key`,
        '-out',
        `${ca}.crt`,
      );
    const issue = (name: string, ca: string, days = '1') => {
      ssl('req', ...ec, '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${ca}.crt`,
        '-CAkey',
        `${ca}.key`,
        '-CAcreateserial',
        '-days',
        days,
        '-out',
        `${name}.crt`,
      );
      return { cert: read(`${name}.crt`), key: read(`${name}.key`) };
    };
    return {
      ca: read('ca.crt'),
      client: issue('client', 'ca'),
      expired: issue('expired', 'ca', '-1'),
      stranger: issue('stranger', 'other'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
