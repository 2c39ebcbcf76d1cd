/**
 * Live API items → the raw objects the file source gives. Items of a typed list carry no kind or apiVersion
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#collections), so both are set from the list;
 * `managedFields` and the last-applied annotation are dropped (kubetwin reads neither, and a Secret's
 * last-applied annotation would hold its data).
 */
import { rawFromData, type RawObject } from '../../parse/index.ts';
import type { SourceRef } from '../../model/diagnostic.ts';

const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/** `live:Pod/shop/web-1`, `live:Node/n1`: where diagnostics about a live object point. */
export function liveSource(kind: string, namespace: string | undefined, name: string): SourceRef {
  return { file: `live:${kind}/${namespace ? `${namespace}/` : ''}${name}`, doc: 0, line: 0, column: 0 };
}

/** The item as a raw object of `kind` at `apiVersion`, slimmed as said above. */
export function liveObject(item: Record<string, unknown>, kind: string, apiVersion: string): RawObject {
  const meta = { ...((item.metadata as Record<string, unknown> | undefined) ?? {}) };
  delete meta.managedFields;
  if (meta.annotations && typeof meta.annotations === 'object' && lastApplied in meta.annotations) {
    const annotations = { ...(meta.annotations as Record<string, unknown>) };
    delete annotations[lastApplied];
    meta.annotations = annotations;
  }
  const body = { ...item, apiVersion, kind, metadata: meta };
  const ns = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  return rawFromData(body, liveSource(kind, ns, typeof meta.name === 'string' ? meta.name : '?'));
}

/** Canonical `kind/namespace/name` of a raw object (namespace empty for cluster-scoped objects). */
export function liveKey(o: RawObject): string {
  const meta = (o.body.metadata ?? {}) as { namespace?: string; name?: string };
  return `${String(o.body.kind)}/${meta.namespace ?? ''}/${meta.name ?? ''}`;
}

/**
 * A Secret reduced to what `--read-tls-secrets` allows: a `kubernetes.io/tls` Secret keeps only `tls.crt`; any
 * other Secret keeps no data at all. `tls.key` is never kept.
 */
export function redactSecret(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...item };
  delete out.stringData;
  const data = item.data as Record<string, unknown> | undefined;
  delete out.data;
  if (item.type === 'kubernetes.io/tls' && typeof data?.['tls.crt'] === 'string')
    out.data = { 'tls.crt': data['tls.crt'] };
  return out;
}

/**
 * The TLS Secrets routes reference, as `namespace/name`: Ingress `spec.tls[].secretName` and Gateway listener
 * `tls.certificateRefs` of kind Secret (core group), in the route's namespace unless the ref names one.
 */
export function referencedTlsSecrets(objects: readonly RawObject[]): string[] {
  const out = new Set<string>();
  for (const o of objects) {
    const b = o.body as { kind?: string; metadata?: { namespace?: string }; spec?: Record<string, unknown> };
    const ns = b.metadata?.namespace ?? 'default';
    if (b.kind === 'Ingress')
      for (const t of list(b.spec?.tls))
        if (typeof t.secretName === 'string') out.add(`${ns}/${t.secretName}`);
    if (b.kind === 'Gateway')
      for (const l of list(b.spec?.listeners))
        for (const r of list((l.tls as Record<string, unknown> | undefined)?.certificateRefs))
          if ((r.group ?? '') === '' && (r.kind ?? 'Secret') === 'Secret' && typeof r.name === 'string')
            out.add(`${typeof r.namespace === 'string' ? r.namespace : ns}/${r.name}`);
  }
  return [...out].sort();
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
}
