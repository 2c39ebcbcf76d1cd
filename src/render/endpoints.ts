/** `kubetwin endpoints` in words and a table: verdict, frontends, endpoints used and why not, source address, spread. */
import type { ExternalNameResult, ServicePathResult } from '../analysis/service-path/index.ts';
import { renderTable } from './table.ts';

const verdictText: Record<ServicePathResult['verdict'], string> = {
  routed: 'routed',
  rejected: 'REJECTED (no usable endpoint)',
  dropped: 'DROPPED (Local traffic policy, no endpoint on the node)',
  'not-routed': 'NOT ROUTED',
};

export function renderEndpoints(r: ServicePathResult): string {
  const p = r.port;
  const lines = [
    `Service ${r.service}${p ? ` port ${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol}${p.nodePort ? ` (nodePort ${p.nodePort})` : ''}` : ''} from ${r.clientDescription}`,
    `=> ${r.unknown ? `UNKNOWN (the objects kubetwin models say ${verdictText[r.verdict]})` : verdictText[r.verdict]}${r.frontends.length ? ` via ${r.entry} ${r.frontends.join(', ')}` : ''}`,
    ...(r.unknown ? [`unknown: ${r.unknown}`] : []),
    `${r.policy.field}: ${r.policy.value}${r.topology ? `; topology: ${r.topology}` : ''}; ${r.balancing.description}`,
  ];
  if (r.endpoints.length) {
    lines.push('');
    const rows = r.endpoints.map((e) => [
      `${e.ip.includes(':') ? `[${e.ip}]` : e.ip}${e.port !== undefined ? `:${e.port}` : ''}`,
      e.pod ?? '<none>',
      e.node ?? '<none>',
      e.zone ?? '<none>',
      e.state,
      e.used ? (r.topologyUnknown ? 'maybe: topology unknown' : 'yes') : `no: ${e.reason ?? ''}`,
    ]);
    lines.push(renderTable(['ENDPOINT', 'POD', 'NODE', 'ZONE', 'STATE', 'USED'], rows).trimEnd());
  }
  if (r.sourceIP)
    lines.push(
      '',
      `source address seen by the endpoint: ${r.sourceIP.seen} (${r.sourceIP.preserved ? 'preserved' : 'translated'}: ${r.sourceIP.why})`,
    );
  if (r.spread && !r.spread.length)
    lines.push('', `${r.requests} connections from this client: none reaches an endpoint`);
  else if (r.spread) {
    lines.push(
      '',
      `${r.requests} connections from this client (${r.spreadKind === 'expected' ? 'expected counts: the choice is random' : 'exact'}):`,
    );
    for (const s of r.spread) lines.push(`  ${s.endpoint}  ${s.connections}`);
  }
  if (r.notes.length) lines.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n';
}

/** `kubetwin endpoints` on an ExternalName Service: no endpoints by design, and what cluster DNS answers instead. */
export function renderExternalName(r: ExternalNameResult): string {
  const lines = [
    `Service ${r.service} is ExternalName: externalName ${r.externalName || '(none)'}`,
    '=> no endpoints (by design: no EndpointSlice, no kube-proxy rule)',
    '',
    `resolve ${r.dns.name} A → ${r.dns.rcode}`,
    ...r.dns.answer.map((a) => `  ${a}`),
    ...r.dns.notes.map((n) => `  ;; note: ${n}`),
  ];
  if (r.notes.length) lines.push('', 'notes:', ...r.notes.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n';
}
