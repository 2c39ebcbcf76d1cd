/** DNS messages as data: what `answer()` returns and the renderers and the DNS server turn into text or wire form. */

export type Rcode = 'NOERROR' | 'FORMERR' | 'SERVFAIL' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';

export type RData =
  | { readonly type: 'A' | 'AAAA'; readonly address: string }
  | {
      readonly type: 'SRV';
      readonly priority: number;
      readonly weight: number;
      readonly port: number;
      readonly target: string;
    }
  | { readonly type: 'PTR' | 'CNAME' | 'NS'; readonly target: string }
  | { readonly type: 'TXT'; readonly text: readonly string[] }
  | {
      readonly type: 'SOA';
      readonly mname: string;
      readonly rname: string;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    };

export type RRType = RData['type'];

/** One resource record, class IN. Names are absolute (trailing dot). */
export interface ResourceRecord {
  readonly name: string;
  readonly ttl: number;
  readonly rdata: RData;
}

export interface DnsQuestion {
  /** Absolute or not; a missing trailing dot is added. Case is kept in answers, as CoreDNS keeps it. */
  readonly name: string;
  /** Record type mnemonic (`A`, `AAAA`, `SRV`, `PTR`, `CNAME`, `TXT`, `NS`, `SOA`, or any other, e.g. `MX`). */
  readonly type: string;
}

/** Which part of the server produced the answer. */
/** `etc-hosts`: the pod's own /etc/hosts, before any DNS query (only with `resolveFrom`). */
export type AnsweredBy = 'kubernetes' | 'hosts' | 'forward' | 'etc-hosts' | 'none';

export interface DnsResponse {
  readonly question: { readonly name: string; readonly type: string };
  readonly rcode: Rcode;
  /** AA flag: set by the kubernetes and hosts plugins, not for forwarded answers. */
  readonly authoritative: boolean;
  /** RA flag: set on forwarded answers only. */
  readonly recursionAvailable: boolean;
  readonly answer: readonly ResourceRecord[];
  readonly authority: readonly ResourceRecord[];
  readonly additional: readonly ResourceRecord[];
  readonly answeredBy: AnsweredBy;
  /** Plain sentences on what kubetwin assumed (an upstream it did not ask, a rewrite applied, …). */
  readonly notes: readonly string[];
  /**
   * Set when the real reply cannot be known from the input: the name is forwarded to an upstream kubetwin never
   * queries and the profile's externalHosts does not list it, or a Corefile plugin kubetwin does not model (template,
   * k8s_external, an unresolvable import or hosts file, …) takes it. The reply is then SERVFAIL, as a CoreDNS that
   * cannot reach its upstream answers, and `unknown` says why; a resolution that passes through such a reply is
   * unknown.
   */
  readonly unknown?: string;
}
