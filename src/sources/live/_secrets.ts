/**
 * `--read-tls-secrets`: `get` of each TLS Secret a route references, redacted to its certificate (see
 * `redactSecret`). Without the flag no Secret is requested at all, and a warning says which references go unread,
 * so a certificate answer about them is not mistaken for "the Secret is missing".
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { RawObject } from '../../parse/index.ts';
import type { Connection } from './_client.ts';
import { liveObject, redactSecret, referencedTlsSecrets } from './_raw.ts';

export async function readTlsSecrets(
  conn: Connection,
  objects: readonly RawObject[],
  allowed: boolean,
): Promise<{ objects: RawObject[]; diagnostics: Diagnostic[] }> {
  const refs = referencedTlsSecrets(objects);
  const source = { file: `live:${conn.context}`, doc: 0, line: 0, column: 0 };
  if (!refs.length) return { objects: [], diagnostics: [] };
  if (!allowed)
    return {
      objects: [],
      diagnostics: [
        {
          code: 'live-tls-secrets-not-read',
          severity: 'warning',
          message: `${refs.length} TLS Secret(s) referenced by routes were not read (${refs.slice(0, 5).join(', ')}${refs.length > 5 ? ', …' : ''}): certificate answers about them say "not among the manifests" because they were not read, not because they are missing`,
          source,
          hint: 'Pass --read-tls-secrets to read their certificates (tls.key is never read); it needs get on those Secrets.',
        },
      ],
    };
  const out: RawObject[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const ref of refs) {
    const [ns, name] = ref.split('/');
    const got = await conn.get(
      `/api/v1/namespaces/${encodeURIComponent(ns)}/secrets/${encodeURIComponent(name)}`,
    );
    if (got.ok) out.push(liveObject(redactSecret(got.body), 'Secret', 'v1'));
    else if (got.status !== 404)
      diagnostics.push({
        code: got.status === 401 || got.status === 403 ? 'live-forbidden' : 'live-list-failed',
        severity: 'error',
        message: `cannot get secrets ${ref}: ${got.message}; certificate answers about it are not reliable`,
        source,
        hint: 'Grant get on this Secret (docs/live.md), or leave out --read-tls-secrets.',
      });
  }
  return { objects: out, diagnostics };
}
