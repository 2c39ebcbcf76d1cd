/**
 * Answers under Corefile options, as zone-file lines: pods verified/disabled, ttl, cache caps, hosts, rewrite name,
 * ignore empty_service, endpoint_pod_names, namespaces, server blocks (REFUSED outside every zone).
 * https://coredns.io/plugins/kubernetes/ · https://coredns.io/plugins/hosts/ · https://coredns.io/plugins/rewrite/
 * · https://coredns.io/plugins/cache/
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseCorefile } from '../corefile/index.ts';
import { createDns, type Dns } from './index.ts';
import { expected, observe, type Case } from './_case.ts';
import { fixtureProfile, fixtureYaml } from './_fixture.ts';

const model = buildYaml(fixtureYaml, { profile: fixtureProfile }).model;
const withCorefile = (text: string) => createDns(model, { config: parseCorefile(text).config });
const check = (dns: Dns, c: Case) => assert.deepEqual(observe(dns, c), expected(c));
const soa5 =
  'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 5';

describe('Corefile options change the answers', () => {
  it('kubernetes defaults: ttl 5 and pods disabled (pod names are a name error)', () => {
    const dns = withCorefile('cluster.local:53 {\n kubernetes\n}\n');
    check(dns, {
      qname: 'web.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 5 IN A 10.96.0.20'],
    });
    check(dns, { qname: '10-244-1-10.shop.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa5] });
  });

  it('pods verified: only an address some pod of that namespace has', () => {
    const dns = withCorefile('cluster.local:53 {\n kubernetes {\n  pods verified\n }\n}\n');
    check(dns, {
      qname: '10-244-1-10.shop.pod.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['10-244-1-10.shop.pod.cluster.local. 5 IN A 10.244.1.10'],
    });
    check(dns, { qname: '10-244-1-99.shop.pod.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa5] });
  });

  it('ttl N sets record TTLs; cache caps them and raises them to MINTTL', () => {
    check(withCorefile('.:53 {\n kubernetes cluster.local {\n  ttl 120\n }\n cache 60\n}\n'), {
      qname: 'web.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 60 IN A 10.96.0.20'],
    });
    check(withCorefile('.:53 {\n kubernetes cluster.local {\n  ttl 0\n }\n cache 60\n}\n'), {
      qname: 'web.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 5 IN A 10.96.0.20'],
    });
    check(withCorefile('.:53 {\n kubernetes cluster.local {\n  ttl 120\n }\n}\n'), {
      qname: 'web.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 120 IN A 10.96.0.20'],
    });
  });

  it('ignore empty_service: a ClusterIP Service without ready endpoints is NXDOMAIN', () => {
    const yaml = `${fixtureYaml}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: lonely, namespace: shop}\nspec: {clusterIP: 10.96.0.99, selector: {app: none}, ports: [{port: 80}]}\n`;
    const m = buildYaml(yaml).model;
    const plain = createDns(m, { config: parseCorefile('cluster.local {\n kubernetes\n}\n').config });
    const ignoring = createDns(m, {
      config: parseCorefile('cluster.local {\n kubernetes {\n  ignore empty_service\n }\n}\n').config,
    });
    check(plain, {
      qname: 'lonely.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['lonely.shop.svc.cluster.local. 5 IN A 10.96.0.99'],
    });
    check(ignoring, { qname: 'lonely.shop.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa5] });
  });

  it('endpoint_pod_names: endpoints without hostname are named after their pod', () => {
    const dns = withCorefile('cluster.local {\n kubernetes {\n  endpoint_pod_names\n }\n}\n');
    check(dns, {
      qname: 'web-a.web.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web-a.web.shop.svc.cluster.local. 5 IN A 10.244.1.10'],
    });
    check(dns, {
      qname: '_pg._tcp.db-all.shop.svc.cluster.local.',
      qtype: 'SRV',
      rcode: 'NOERROR',
      answer: [
        '_pg._tcp.db-all.shop.svc.cluster.local. 5 IN SRV 0 33 5432 db-0.db-all.shop.svc.cluster.local.',
        '_pg._tcp.db-all.shop.svc.cluster.local. 5 IN SRV 0 33 5432 db-1.db-all.shop.svc.cluster.local.',
        '_pg._tcp.db-all.shop.svc.cluster.local. 5 IN SRV 0 33 5432 db-2.db-all.shop.svc.cluster.local.',
      ],
    });
  });

  it('namespaces: other namespaces are not exposed', () => {
    const dns = withCorefile('cluster.local {\n kubernetes {\n  namespaces default\n }\n}\n');
    check(dns, { qname: 'web.shop.svc.cluster.local.', qtype: 'A', rcode: 'NXDOMAIN', ns: [soa5] });
    check(dns, {
      qname: 'kubernetes.default.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['kubernetes.default.svc.cluster.local. 5 IN A 10.96.0.1'],
    });
  });

  it('hosts: inline names answer first; unknown names fall through, or SERVFAIL without fallthrough', () => {
    const through = withCorefile(
      '.:53 {\n hosts {\n  10.1.2.3 legacy.corp.example\n  fallthrough\n }\n kubernetes cluster.local\n}\n',
    );
    check(through, {
      qname: 'legacy.corp.example.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['legacy.corp.example. 3600 IN A 10.1.2.3'],
    });
    check(through, {
      qname: '3.2.1.10.in-addr.arpa.',
      qtype: 'PTR',
      rcode: 'NOERROR',
      answer: ['3.2.1.10.in-addr.arpa. 3600 IN PTR legacy.corp.example.'],
    });
    check(through, {
      qname: 'web.shop.svc.cluster.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 5 IN A 10.96.0.20'],
    });
    const strict = withCorefile(
      '.:53 {\n hosts {\n  10.1.2.3 legacy.corp.example\n }\n kubernetes cluster.local\n}\n',
    );
    check(strict, { qname: 'web.shop.svc.cluster.local.', qtype: 'A', rcode: 'SERVFAIL' });
  });

  it('rewrite name: the question is rewritten; answers keep the rewritten name unless answer name/auto', () => {
    const exact = withCorefile(
      '.:53 {\n rewrite name exact db.example.com web.shop.svc.cluster.local\n kubernetes cluster.local\n}\n',
    );
    check(exact, {
      qname: 'db.example.com.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 5 IN A 10.96.0.20'],
    });
    const auto = withCorefile(
      '.:53 {\n rewrite name exact db.example.com web.shop.svc.cluster.local answer auto\n kubernetes cluster.local\n}\n',
    );
    check(auto, {
      qname: 'db.example.com.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['db.example.com. 5 IN A 10.96.0.20'],
    });
    const regex = withCorefile(
      '.:53 {\n rewrite stop {\n  name regex (.*)\\.old\\.local {1}.shop.svc.cluster.local\n  answer name (.*)\\.shop\\.svc\\.cluster\\.local {1}.old.local\n }\n kubernetes cluster.local\n}\n',
    );
    check(regex, {
      qname: 'web.old.local.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.old.local. 5 IN A 10.96.0.20'],
    });
    const suffix = withCorefile(
      '.:53 {\n rewrite name suffix .corp.internal .svc.cluster.local\n kubernetes cluster.local\n}\n',
    );
    check(suffix, {
      qname: 'web.shop.corp.internal.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['web.shop.svc.cluster.local. 5 IN A 10.96.0.20'],
    });
  });

  it('server blocks: the most specific zone wins; a name no block serves is REFUSED', () => {
    const dns = withCorefile(
      'cluster.local:53 {\n kubernetes\n}\nexample.com:53 {\n forward . 10.10.0.1\n}\n',
    );
    check(dns, {
      qname: 'target.example.com.',
      qtype: 'A',
      rcode: 'NOERROR',
      answer: ['target.example.com. 300 IN A 93.184.216.34'],
    });
    check(dns, { qname: 'www.other.org.', qtype: 'A', rcode: 'REFUSED' });
  });
});
