/**
 * kube-dns's ConfigMap (GKE): `stubDomains` and `upstreamNameservers` answer as the forward rules the Kubernetes docs
 * give as their CoreDNS equivalent; `federations`, unknown keys and invalid JSON make the names they may change unknown.
 * https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/#coredns-configuration-equivalent-to-kube-dns
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns } from './index.ts';

const service = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
`;
const kubeDns = (data: string) => `${service}---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-dns, namespace: kube-system}
data:
${data}`;
const gke = kubeDns(`  stubDomains: |
    {"acme.local": ["1.2.3.4"], "ext.cluster.local": ["10.0.0.53:5300"]}
  upstreamNameservers: |
    ["8.8.8.8", "8.8.4.4"]
`);

const dnsOf = (yaml: string) => createDns(buildYaml(yaml).model);
const answer = (yaml: string, name: string) => dnsOf(yaml).answer({ name, type: 'A' });

describe("kube-dns's ConfigMap (stubDomains, upstreamNameservers)", () => {
  it('kube-dns stubDomains: a suffix is forwarded to its own nameservers', () => {
    const r = answer(gke, 'db.acme.local.');
    assert.equal(r.answeredBy, 'forward');
    assert.match(r.unknown ?? '', /forwarded to 1\.2\.3\.4:/);
  });

  it('kube-dns stubDomains: a stub domain inside the cluster domain is forwarded, not NXDOMAIN from kube-dns', () => {
    const r = answer(gke, 'x.ext.cluster.local.');
    assert.equal(r.answeredBy, 'forward');
    assert.notEqual(r.rcode, 'NXDOMAIN');
    assert.match(r.unknown ?? '', /forwarded to 10\.0\.0\.53:5300/);
  });

  it("kube-dns upstreamNameservers: other names go to them, not to the node's resolv.conf", () => {
    const r = answer(gke, 'example.com.');
    assert.match(r.unknown ?? '', /forwarded to 8\.8\.8\.8 8\.8\.4\.4:/);
    assert.equal(answer(gke, 'web.shop.svc.cluster.local.').answer.length, 1, 'cluster names still answered');
  });

  it('kube-dns federations: a federated name is unknown, other cluster names are answered', () => {
    const yaml = kubeDns(`  federations: |
    {"myfed": "example.com"}
`);
    const r = answer(yaml, 'web.shop.myfed.svc.cluster.local.');
    assert.match(r.unknown ?? '', /federations \(myfed\)/);
    assert.equal(answer(yaml, 'web.shop.svc.cluster.local.').answer.length, 1);
    assert.equal(answer(yaml, 'other.shop.svc.cluster.local.').rcode, 'NXDOMAIN');
    assert.ok(dnsOf(yaml).diagnostics.some((d) => d.code === 'kube-dns-config-not-modeled'));
  });

  it('kube-dns invalid configuration: a diagnostic at the key, every answer unknown', () => {
    const yaml = kubeDns(`  upstreamNameservers: |
    ["8.8.8.8",
`);
    const dns = dnsOf(yaml);
    const d = dns.diagnostics.find((x) => x.code === 'kube-dns-config-invalid');
    assert.equal(d?.source?.path, 'data.upstreamNameservers');
    assert.ok(d?.source?.line);
    assert.match(dns.answer({ name: 'web.shop.svc.cluster.local.', type: 'A' }).unknown ?? '', /invalid/);
  });

  it('kube-dns upstreamNameservers: more than three is invalid, as kube-dns validates', () => {
    const yaml = kubeDns(`  upstreamNameservers: '["1.1.1.1", "8.8.8.8", "8.8.4.4", "9.9.9.9"]'
`);
    assert.ok(dnsOf(yaml).diagnostics.some((d) => d.code === 'kube-dns-config-invalid'));
  });

  it('a coredns ConfigMap wins: CoreDNS does not read the kube-dns ConfigMap', () => {
    const yaml = `${gke}---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local
        forward . /etc/resolv.conf
    }
`;
    assert.equal(dnsOf(yaml).config.origin, 'corefile');
    assert.match(answer(yaml, 'db.acme.local.').unknown ?? '', /forwarded to \/etc\/resolv\.conf/);
  });
});
