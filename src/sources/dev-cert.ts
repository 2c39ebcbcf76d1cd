/**
 * A development certificate for `serve gateway` when the manifests hold no usable Secret: a self-signed
 * certificate for the given names, made with the system's `openssl` in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Returns PEM cert and key covering `names` (wildcards allowed), or an error message when openssl is missing. */
export function makeDevCertificate(names: readonly string[]): { cert: string; key: string } | string {
  const dir = mkdtempSync(join(tmpdir(), 'kubetwin-cert-'));
  try {
    const sans = [...new Set(['localhost', ...names])].map((n) => `DNS:${n}`).join(',');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '30',
        '-subj',
        '/CN=kubetwin development certificate',
        '-addext',
        `subjectAltName=${sans}`,
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
      ],
      { stdio: 'ignore' },
    );
    return { cert: readFileSync(join(dir, 'c.pem'), 'utf8'), key: readFileSync(join(dir, 'k.pem'), 'utf8') };
  } catch (e) {
    return `could not make a development certificate with openssl: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
