/**
 * DNS replies in dig's layout (header, flags, sections of zone-file lines) and as JSON, plus the search-list walk of
 * `kubetwin resolve --from`. Pure and deterministic.
 */
import {
  recordLine,
  rdataText,
  renderResolvConf,
  nodeSearchAssumed,
  unknownResolution,
  type DnsResponse,
  type PodResolution,
  type ResourceRecord,
} from '../analysis/dns/index.ts';

function flags(r: DnsResponse): string {
  return ['qr', ...(r.authoritative ? ['aa'] : []), 'rd', ...(r.recursionAvailable ? ['ra'] : [])].join(' ');
}

function section(title: string, rs: readonly ResourceRecord[]): string[] {
  return rs.length ? ['', `;; ${title} SECTION:`, ...rs.map((x) => recordLine(x))] : [];
}

/** One reply as dig prints it (no timing or server lines: the reply comes from the model). */
export function renderDigMessage(r: DnsResponse): string[] {
  return [
    `;; ->>HEADER<<- opcode: QUERY, status: ${r.rcode}`,
    `;; flags: ${flags(r)}; QUERY: 1, ANSWER: ${r.answer.length}, AUTHORITY: ${r.authority.length}, ADDITIONAL: ${r.additional.length}`,
    '',
    ';; QUESTION SECTION:',
    `;${r.question.name}\t\tIN\t${r.question.type}`,
    ...section('ANSWER', r.answer),
    ...section('AUTHORITY', r.authority),
    ...section('ADDITIONAL', r.additional),
  ];
}

/** `kubetwin resolve NAME`: the reply, then kubetwin's notes on what it assumed. */
export function renderResolve(r: DnsResponse, server: string): string {
  const lines = [
    `; <<>> kubetwin resolve <<>> ${r.question.name} ${r.question.type} @${server} (answered from the model)`,
    ...renderDigMessage(r),
  ];
  if (r.unknown) lines.push('', `;; UNKNOWN: ${r.unknown}`);
  // The reason the reply is unknown is said once, on the UNKNOWN line.
  const notes = r.notes.filter((n) => n !== r.unknown);
  if (notes.length) lines.push('', ...notes.map((n) => `;; note: ${n}`));
  return lines.join('\n') + '\n';
}

/** `kubetwin resolve --from POD NAME`: the pod's resolv.conf, each query of the walk, then the reply the application gets. */
export function renderPodResolve(res: PodResolution, name: string, type: string): string {
  const { pod, resolvConf, walk } = res;
  const unknown = unknownResolution(res);
  const assumed = nodeSearchAssumed(res);
  const lines = [
    `; <<>> kubetwin resolve <<>> ${name} ${type} from ${pod.namespace}/${pod.name} (dnsPolicy ${resolvConf.effectivePolicy}, ${walk.libc} resolver)`,
    ';; /etc/resolv.conf:',
    ...renderResolvConf(resolvConf)
      .trimEnd()
      .split('\n')
      .map((l) => `;;   ${l}`),
    ...resolvConf.notes.map((n) => `;; note: ${n}`),
    walk.steps.length ? ';; search-list walk:' : ';; no DNS query: /etc/hosts answers',
    ...walk.steps.map(
      (s, i) =>
        `;;   ${i + 1}. ${s.name} ${type} -> ${s.response.rcode}${s.response.unknown ? ` (unknown: ${s.response.answeredBy === 'forward' ? 'forwarded upstream' : 'a plugin kubetwin does not model'})` : ''}${s.response.rcode === 'NOERROR' && !s.response.answer.length ? ' (no data)' : s.response.answer.length ? ` (${s.response.answer.length} answer${s.response.answer.length > 1 ? 's' : ''})` : ''}; ${s.verdict === 'answer' ? 'answered' : s.verdict === 'continue' ? 'next' : 'walk ends'}`,
    ),
    unknown
      ? `;; UNKNOWN: ${unknown}`
      : walk.resolvedName
        ? `;; resolved as ${walk.resolvedName}`
        : `;; not resolved: ${walk.rcode}${walk.rcode === 'NOERROR' ? ' (no data)' : ''}`,
    ...(assumed ? [`;; assumed: ${assumed}`] : []),
    '',
    ...renderDigMessage(walk.final),
  ];
  if (walk.final.notes.length) lines.push('', ...walk.final.notes.map((n) => `;; note: ${n}`));
  return lines.join('\n') + '\n';
}

/**
 * What `resolve --from` adds when the pod's queries never reach a DNS pod (its egress policy drops them, or the DNS
 * Service has no endpoints): the reply above is CoreDNS's, which the pod never receives.
 */
export function renderQueriesBlocked(blocked: {
  readonly reason: string;
  readonly details: readonly string[];
  readonly refused?: boolean;
}): string {
  if (blocked.refused)
    return (
      [
        '',
        `;; REFUSED: ${blocked.reason}`,
        ';; the pod gets a REFUSED reply (dig: "status: REFUSED"); the reply above is what CoreDNS would give',
      ].join('\n') + '\n'
    );
  return (
    [
      '',
      `;; NO REPLY: ${blocked.reason}`,
      ...blocked.details.map((d) => `;;   ${d}`),
      ';; the pod\'s resolver times out (dig: "connection timed out; no servers could be reached"); the reply above is what CoreDNS would give',
    ].join('\n') + '\n'
  );
}

const recordJson = (x: ResourceRecord) => ({
  name: x.name,
  ttl: x.ttl,
  class: 'IN',
  type: x.rdata.type,
  data: rdataText(x.rdata),
});

/** The reply as JSON; `answers` holds the answer rdata in presentation form (the `kubetwin test` contract). */
export function dnsResponseJson(r: DnsResponse) {
  return {
    question: r.question,
    rcode: r.rcode,
    flags: flags(r).split(' '),
    answers: r.answer.map((x) => rdataText(x.rdata)),
    answer: r.answer.map(recordJson),
    authority: r.authority.map(recordJson),
    additional: r.additional.map(recordJson),
    answeredBy: r.answeredBy,
    notes: r.notes,
    ...(r.unknown !== undefined ? { unknown: r.unknown } : {}),
  };
}

export function podResolveJson(res: PodResolution) {
  const unknown = unknownResolution(res);
  const assumed = nodeSearchAssumed(res);
  return {
    from: `${res.pod.namespace}/${res.pod.name}`,
    dnsPolicy: res.resolvConf.effectivePolicy,
    libc: res.walk.libc,
    resolvConf: {
      nameservers: res.resolvConf.nameservers,
      searches: res.resolvConf.searches,
      options: res.resolvConf.options,
      ndots: res.resolvConf.ndots,
      notes: res.resolvConf.notes,
    },
    tries: res.walk.steps.map((s) => ({
      name: s.name,
      rcode: s.response.rcode,
      answers: s.response.answer.map((x) => rdataText(x.rdata)),
      verdict: s.verdict,
      ...(s.response.unknown !== undefined ? { unknown: true } : {}),
    })),
    resolvedName: res.walk.resolvedName ?? null,
    ...dnsResponseJson(res.walk.final),
    ...(unknown !== undefined ? { unknown } : {}),
    ...(assumed !== undefined ? { assumed } : {}),
  };
}
