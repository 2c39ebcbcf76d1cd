/**
 * Records per the Kubernetes DNS-Based Service Discovery specification and CoreDNS's kubernetes plugin, written
 * as zone-file lines. Spec: https://github.com/kubernetes/dns/blob/master/docs/specification.md (sections cited
 * per case). The fixture cluster is in `_fixture.ts`; the Corefile is kubeadm's default (ttl 30, cache 30,
 * pods insecure, fallthrough in-addr.arpa ip6.arpa).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns } from './index.ts';
import { expected, observe, soaLine, type Case } from './_case.ts';
import { fixtureProfile, fixtureYaml } from './_fixture.ts';

const dns = createDns(buildYaml(fixtureYaml, { profile: fixtureProfile }).model);
const run = (cases: readonly Case[]) => () =>
  cases.forEach((c) => assert.deepEqual(observe(dns, c), expected(c)));

describe('Kubernetes DNS specification records', () => {
  it(
    '2.2 schema version: dns-version.<zone> TXT "1.1.0" (cache 30 caps its 28800 s TTL)',
    run([
      {
        qname: 'dns-version.cluster.local.',
        qtype: 'TXT',
        rcode: 'NOERROR',
        answer: ['dns-version.cluster.local. 30 IN TXT "1.1.0"'],
      },
      // CoreDNS: the name is no Service name, so other types are a name error.
      { qname: 'dns-version.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
    ]),
  );

  it(
    '2.3.1 ClusterIP A record: <service>.<ns>.svc.<zone> A <cluster-ip>; no AAAA is NOERROR without data',
    run([
      {
        qname: 'web.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['web.shop.svc.cluster.local. 30 IN A 10.96.0.20'],
      },
      {
        qname: 'WEB.Shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['WEB.Shop.svc.cluster.local. 30 IN A 10.96.0.20'],
      },
      { qname: 'web.shop.svc.cluster.local.', qtype: 'AAAA', rcode: 'NOERROR', answer: [], ns: [soaLine] },
      { qname: 'web.shop.svc.cluster.local.', qtype: 'MX', rcode: 'NOERROR', answer: [], ns: [soaLine] },
    ]),
  );

  it(
    '2.3.2 ClusterIP SRV: _<port>._<proto>.<service>.<ns>.svc.<zone> SRV 0 100 <port> <service>… with the A as additional',
    run([
      {
        qname: '_http._tcp.web.shop.svc.cluster.local.',
        qtype: 'SRV',
        rcode: 'NOERROR',
        answer: ['_http._tcp.web.shop.svc.cluster.local. 30 IN SRV 0 100 80 web.shop.svc.cluster.local.'],
        extra: ['web.shop.svc.cluster.local. 30 IN A 10.96.0.20'],
      },
      {
        qname: 'web.shop.svc.cluster.local.',
        qtype: 'SRV',
        rcode: 'NOERROR',
        answer: [
          'web.shop.svc.cluster.local. 30 IN SRV 0 50 80 web.shop.svc.cluster.local.',
          'web.shop.svc.cluster.local. 30 IN SRV 0 50 9090 web.shop.svc.cluster.local.',
        ],
      },
      { qname: '_https._tcp.web.shop.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: '_http._udp.web.shop.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [soaLine] },
    ]),
  );

  it(
    '2.3.3 ClusterIP PTR: reverse of the cluster IP points at the Service name',
    run([
      {
        qname: '20.0.96.10.in-addr.arpa.',
        qtype: 'PTR',
        rcode: 'NOERROR',
        answer: ['20.0.96.10.in-addr.arpa. 30 IN PTR web.shop.svc.cluster.local.'],
      },
    ]),
  );

  it(
    '2.4.1 headless A records: every ready endpoint; not-ready ones only with publishNotReadyAddresses',
    run([
      {
        qname: 'db.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: [
          'db.shop.svc.cluster.local. 30 IN A 10.244.1.20',
          'db.shop.svc.cluster.local. 30 IN A 10.244.2.20',
        ],
      },
      {
        qname: 'db-all.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: [
          'db-all.shop.svc.cluster.local. 30 IN A 10.244.1.20',
          'db-all.shop.svc.cluster.local. 30 IN A 10.244.2.20',
          'db-all.shop.svc.cluster.local. 30 IN A 10.244.3.20',
        ],
      },
      {
        qname: 'db-0.db.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['db-0.db.shop.svc.cluster.local. 30 IN A 10.244.1.20'],
      },
      { qname: 'db-2.db.shop.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
      // Without a hostname the endpoint is named by its dashed IP (CoreDNS endpointHostname).
      {
        qname: '10-244-3-20.db-all.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['10-244-3-20.db-all.shop.svc.cluster.local. 30 IN A 10.244.3.20'],
      },
      // CoreDNS answers endpoint names of ClusterIP Services too.
      {
        qname: '10-244-1-10.web.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['10-244-1-10.web.shop.svc.cluster.local. 30 IN A 10.244.1.10'],
      },
      // A headless Service with no ready endpoint is a name error in CoreDNS.
      { qname: 'empty.shop.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
    ]),
  );

  it(
    '2.4.2 headless SRV: one record per ready endpoint and port, weight 100/n, targets named by hostname',
    run([
      {
        qname: '_pg._tcp.db.shop.svc.cluster.local.',
        qtype: 'SRV',
        rcode: 'NOERROR',
        answer: [
          '_pg._tcp.db.shop.svc.cluster.local. 30 IN SRV 0 50 5432 db-0.db.shop.svc.cluster.local.',
          '_pg._tcp.db.shop.svc.cluster.local. 30 IN SRV 0 50 5432 db-1.db.shop.svc.cluster.local.',
        ],
        extra: [
          'db-0.db.shop.svc.cluster.local. 30 IN A 10.244.1.20',
          'db-1.db.shop.svc.cluster.local. 30 IN A 10.244.2.20',
        ],
      },
    ]),
  );

  it(
    '2.4.3 headless PTR: an endpoint address points at <hostname>.<service>.<ns>.svc.<zone>',
    run([
      {
        qname: '20.1.244.10.in-addr.arpa.',
        qtype: 'PTR',
        rcode: 'NOERROR',
        answer: [
          '20.1.244.10.in-addr.arpa. 30 IN PTR 10-244-1-20.db-all.shop.svc.cluster.local.',
          '20.1.244.10.in-addr.arpa. 30 IN PTR db-0.db.shop.svc.cluster.local.',
        ],
      },
      // Not an endpoint of anything: NXDOMAIN goes on (fallthrough in-addr.arpa) to forward, whose upstream is not
      // asked: its reply is unknown, and kubetwin answers SERVFAIL rather than a made-up NXDOMAIN.
      {
        qname: '99.9.244.10.in-addr.arpa.',
        qtype: 'PTR',
        rcode: 'SERVFAIL',
        answer: [],
        unknown: true,
      },
    ]),
  );

  it(
    '2.5 ExternalName: a CNAME, followed inside the zone and asked upstream outside it',
    run([
      {
        qname: 'ext.shop.svc.cluster.local.',
        qtype: 'CNAME',
        rcode: 'NOERROR',
        answer: ['ext.shop.svc.cluster.local. 30 IN CNAME target.example.com.'],
      },
      {
        qname: 'ext.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: [
          'ext.shop.svc.cluster.local. 30 IN CNAME target.example.com.',
          'target.example.com. 30 IN A 93.184.216.34',
        ],
      },
      {
        qname: 'alias.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: [
          'alias.shop.svc.cluster.local. 30 IN CNAME web.shop.svc.cluster.local.',
          'web.shop.svc.cluster.local. 30 IN A 10.96.0.20',
        ],
      },
      { qname: '_http._tcp.ext.shop.svc.cluster.local.', qtype: 'SRV', rcode: 'NXDOMAIN', ns: [soaLine] },
    ]),
  );

  it('2.5 ExternalName SRV: NODATA (NOERROR, no answer, the SOA), as CoreDNS serves no SRV for an external service (coredns/coredns plugin/kubernetes/kubernetes.go, func Services)', () => {
    run([
      {
        qname: 'ext.shop.svc.cluster.local.',
        qtype: 'SRV',
        rcode: 'NOERROR',
        answer: [],
        ns: [soaLine],
        extra: [],
      },
      { qname: 'alias.shop.svc.cluster.local.', qtype: 'SRV', rcode: 'NOERROR', answer: [], ns: [soaLine] },
    ])();
    const r = dns.answer({ name: 'ext.shop.svc.cluster.local.', type: 'SRV' });
    assert.ok(
      r.notes.some((n) => n.includes('no SRV record for an ExternalName Service')),
      r.notes.join('; '),
    );
  });

  it(
    'pod hostname and subdomain: <hostname>.<subdomain>.<ns>.svc.<zone> when a headless Service is named like the subdomain (dns-pod-service#pod-s-hostname-and-subdomain-fields)',
    run([
      {
        qname: 'busybox-1.default-subdomain.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['busybox-1.default-subdomain.shop.svc.cluster.local. 30 IN A 10.244.1.30'],
      },
      {
        qname: 'busybox-2.default-subdomain.shop.svc.cluster.local.',
        qtype: 'A',
        rcode: 'NXDOMAIN',
        ns: [soaLine],
      },
    ]),
  );

  it(
    'pod A records (dns-pod-service#a-aaaa-records-1): <a-b-c-d>.<ns>.pod.<zone> with pods insecure',
    run([
      {
        qname: '10-244-1-15.shop.pod.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['10-244-1-15.shop.pod.cluster.local. 30 IN A 10.244.1.15'],
      },
      { qname: '10-244-1-15.nowhere.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: 'not-an-ip.shop.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
    ]),
  );

  it(
    'NXDOMAIN vs NOERROR-without-data as CoreDNS distinguishes them',
    run([
      { qname: 'cluster.local.', qtype: 'A', rcode: 'NOERROR', answer: [], ns: [soaLine] },
      { qname: 'svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answer: [], ns: [soaLine] },
      { qname: 'shop.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', answer: [], ns: [soaLine] },
      { qname: 'nowhere.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: 'nope.shop.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: 'a.b.c.web.shop.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: 'web.shop.nope.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: 'nope.shop.svc.cluster.local.', qtype: 'TXT', rcode: 'NXDOMAIN', ns: [soaLine] },
      { qname: 'web.shop.svc.cluster.local.', qtype: 'TXT', rcode: 'NOERROR', answer: [], ns: [soaLine] },
    ]),
  );

  it(
    'apex NS and SOA; ns.dns.<zone> is the cluster DNS Service address',
    run([
      {
        qname: 'cluster.local.',
        qtype: 'NS',
        rcode: 'NOERROR',
        answer: ['cluster.local. 30 IN NS ns.dns.cluster.local.'],
        extra: ['ns.dns.cluster.local. 30 IN A 10.96.0.10'],
      },
      {
        qname: 'ns.dns.cluster.local.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['ns.dns.cluster.local. 30 IN A 10.96.0.10'],
      },
    ]),
  );

  it(
    'forward: names outside the cluster zone are answered from the profile externalHosts, else unknown (SERVFAIL: no query is sent), a single-label A/AAAA name NXDOMAIN (SAC053)',
    run([
      {
        qname: 'target.example.com.',
        qtype: 'A',
        rcode: 'NOERROR',
        answer: ['target.example.com. 30 IN A 93.184.216.34'],
      },
      { qname: 'unknown.example.com.', qtype: 'A', rcode: 'SERVFAIL', answer: [], unknown: true },
      { qname: 'unknown.example.com.', qtype: 'MX', rcode: 'SERVFAIL', answer: [], unknown: true },
      // ICANN SAC053: no TLD apex holds an A or AAAA record, so a dotless name is assumed NXDOMAIN; other types are not.
      { qname: 'intranet.', qtype: 'A', rcode: 'NXDOMAIN', answer: [] },
      { qname: 'intranet.', qtype: 'AAAA', rcode: 'NXDOMAIN', answer: [] },
      { qname: 'com.', qtype: 'NS', rcode: 'SERVFAIL', answer: [], unknown: true },
    ]),
  );
});
