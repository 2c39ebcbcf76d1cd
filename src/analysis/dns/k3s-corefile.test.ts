/**
 * The answers of k3s's CoreDNS: `hosts /etc/coredns/NodeHosts` from the coredns ConfigMap's NodeHosts key, and
 * servers added by the optional coredns-custom ConfigMap through `import /etc/coredns/custom/*.server`
 * (https://github.com/k3s-io/k3s/blob/master/manifests/coredns.yaml, https://coredns.io/plugins/hosts/).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns } from './index.ts';

const coredns = `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local in-addr.arpa ip6.arpa {
          pods insecure
          fallthrough in-addr.arpa ip6.arpa
        }
        hosts /etc/coredns/NodeHosts {
          ttl 60
          fallthrough
        }
        forward . /etc/resolv.conf
        import /etc/coredns/custom/*.override
    }
    import /etc/coredns/custom/*.server
  NodeHosts: |
    10.0.0.2 k3s-server-1
`;
const custom = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns-custom, namespace: kube-system}
data:
  homelab.server: |
    homelab.local:53 {
        hosts {
            100.81.76.55 grafana.homelab.local
        }
    }
`;

const answer = (yaml: string, name: string) => createDns(buildYaml(yaml).model).answer({ name, type: 'A' });

describe("k3s's CoreDNS configuration", () => {
  it('a node name from NodeHosts is answered by the hosts plugin', () => {
    const r = answer(coredns, 'k3s-server-1.');
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(
      r.answer.map((x) => (x.rdata.type === 'A' ? x.rdata.address : '')),
      ['10.0.0.2'],
    );
    assert.equal(r.answeredBy, 'hosts');
  });

  it('a server block from coredns-custom answers its zone', () => {
    const r = answer(coredns + custom, 'grafana.homelab.local.');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.answer.length, 1);
    assert.equal(
      answer(coredns, 'grafana.homelab.local.').answeredBy,
      'forward',
      'without the ConfigMap: forwarded',
    );
  });

  // coredns/coredns plugin/hosts/hosts.go ServeDNS: "Only on NXDOMAIN we will fallthrough" — a known name asked for
  // a type it has no record of is an authoritative empty answer (NODATA), and an address without an entry goes on.
  it('rule hosts-nodata-not-fallthrough: a NodeHosts name asked for AAAA is an empty NOERROR from hosts, not forwarded', () => {
    const r = createDns(buildYaml(coredns).model).answer({ name: 'k3s-server-1.', type: 'AAAA' });
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(r.answer, []);
    assert.equal(r.answeredBy, 'hosts');
  });

  it('rule hosts-ptr-miss-goes-on: an address without a NodeHosts entry is passed on, even without fallthrough', () => {
    const strict = coredns.replace('          ttl 60\n          fallthrough\n', '          ttl 60\n');
    assert.notEqual(strict, coredns);
    const r = createDns(buildYaml(strict).model).answer({ name: '9.0.0.10.in-addr.arpa.', type: 'PTR' });
    // Forwarded upstream (whose reply kubetwin does not know), not the hosts plugin's SERVFAIL.
    assert.equal(r.answeredBy, 'forward');
  });
});
