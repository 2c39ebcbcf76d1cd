import type { FlowSource, FlowTarget } from './types.ts';

/** A source as a flows file writes it (`internet`, `ip:ADDR`, `ns/name`): `parseFlowSource` reads it back. */
export function sourceText(s: FlowSource): string {
  return s.kind === 'internet' ? 'internet' : s.kind === 'ip' ? `ip:${s.ip}` : `${s.namespace}/${s.name}`;
}

/**
 * A target as a flows file writes it — `to`, and `port`/`protocol` where the form needs them: `parseFlowTarget`
 * reads it back to the same target.
 */
export function targetText(t: FlowTarget): { to: string; port?: number; protocol?: string } {
  const proto = t.protocol !== 'TCP' ? { protocol: t.protocol } : {};
  switch (t.kind) {
    case 'url': {
      const web = t.scheme === 'http' || t.scheme === 'https' || t.scheme === 'grpc';
      const host = t.host.includes(':') ? `[${t.host}]` : t.host;
      return { to: `${t.scheme}://${host}:${t.port}${web ? t.path : ''}` };
    }
    case 'service':
      return { to: `service:${t.namespace}/${t.name}:${t.port}`, ...proto };
    case 'ip':
      return { to: `ip:${t.ip.includes(':') ? `[${t.ip}]` : t.ip}:${t.port}`, ...proto };
    case 'ref':
      return { to: `${t.namespace}/${t.name}`, ...(t.port ? { port: t.port } : {}), ...proto };
  }
}
