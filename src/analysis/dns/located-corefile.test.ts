/**
 * The Corefile cluster DNS answers from is the one its CoreDNS pods load: the `-conf` file of the workload behind the
 * cluster DNS Service, a key of one of its ConfigMap volumes (https://coredns.io/manual/toc/#configuration). RKE2's
 * rke2-coredns chart names it `rke2-coredns-rke2-coredns` (rancher/rke2-charts packages/rke2-coredns), OpenShift's
 * DNS operator `openshift-dns/dns-default` (openshift/cluster-dns-operator pkg/manifests/assets/dns/daemonset.yaml).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from '../../cluster/_test-helpers.ts';
import { createDns } from './index.ts';

const profile =
  'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nserviceCIDR: 10.43.0.0/16\ndnsServiceIP: 10.43.0.10\n';

/** RKE2's DNS objects as the chart renders them; `corefile` is the ConfigMap's Corefile, `volume` the ConfigMap mounted. */
const rke2 = (corefile: string, volume = 'rke2-coredns-rke2-coredns') => `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: rke2-coredns-rke2-coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  clusterIP: 10.43.0.10
  selector: {app.kubernetes.io/instance: rke2-coredns, k8s-app: kube-dns}
  ports: [{name: udp-53, port: 53, protocol: UDP}, {name: tcp-53, port: 53, protocol: TCP}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: rke2-coredns-rke2-coredns, namespace: kube-system}
spec:
  selector: {matchLabels: {app.kubernetes.io/instance: rke2-coredns, k8s-app: kube-dns}}
  template:
    metadata: {labels: {app.kubernetes.io/instance: rke2-coredns, k8s-app: kube-dns}}
    spec:
      dnsPolicy: Default
      containers:
      - name: coredns
        image: rancher/hardened-coredns:v1.11.3-build20241018
        args: [-conf, /etc/coredns/Corefile]
        ports: [{containerPort: 53, name: udp-53, protocol: UDP}]
        volumeMounts: [{mountPath: /etc/coredns, name: config-volume}]
      volumes:
      - name: config-volume
        configMap: {name: ${volume}, items: [{key: Corefile, path: Corefile}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: rke2-coredns-rke2-coredns, namespace: kube-system}
data:
  Corefile: |
${corefile
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;

const verified = `.:53 {
    errors
    kubernetes   cluster.local  cluster.local in-addr.arpa ip6.arpa {
        pods verified
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . /etc/resolv.conf
    cache 30
}`;

const ask = (yaml: string, name: string) =>
  createDns(buildYaml(yaml, { profile }).model).answer({ name, type: 'A' });

describe('the Corefile cluster DNS loads', () => {
  it("rule corefile-from-dns-server-conf: RKE2's rke2-coredns ConfigMap, mounted by the pods behind the DNS Service, is the Corefile (pods verified: an address no pod holds is NXDOMAIN, not kubeadm's insecure answer)", () => {
    const r = ask(rke2(verified), '10-42-0-99.shop.pod.cluster.local.');
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.ok(r.notes.some((n) => /pods verified/.test(n)));
  });

  it('rule corefile-from-dns-server-conf: a block of that Corefile forwards its zone (a stub domain inside the cluster domain is not the kubernetes plugin’s NXDOMAIN)', () => {
    const stub = `my.cluster.local:53 {\n    forward . 10.0.100.53\n}\n${verified}`;
    const r = ask(rke2(stub), 'db.my.cluster.local.');
    assert.equal(r.answeredBy, 'forward');
    assert.ok(r.unknown, 'the upstream is not queried: unknown');
  });

  it("rule corefile-not-in-input: the DNS server mounts a ConfigMap the input does not hold: names outside the cluster zones are unknown, cluster names kubeadm's default with a note", () => {
    const { model } = buildYaml(rke2(verified, 'rke2-coredns-custom-corefile'), { profile });
    const dns = createDns(model);
    assert.deepEqual(
      codes(dns.diagnostics).filter((c) => c === 'corefile-not-in-input'),
      ['corefile-not-in-input'],
    );
    const outside = dns.answer({ name: 'registry.corp.example.com.', type: 'A' });
    assert.equal(outside.rcode, 'SERVFAIL');
    assert.equal(
      outside.answeredBy,
      'none',
      'not forwarded by an assumed forward: the real Corefile may answer it',
    );
    assert.match(outside.unknown ?? '', /rke2-coredns-custom-corefile.*not in the input/);
    const inside = dns.answer({ name: 'kubernetes.default.svc.cluster.local.', type: 'A' });
    assert.equal(inside.answeredBy, 'kubernetes');
    assert.match(inside.notes.join(' '), /default Corefile is assumed/);
  });

  it('without a CoreDNS workload in the input, kube-system/coredns is still read', () => {
    const yaml = `apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local {
            pods verified
        }
    }
`;
    assert.equal(ask(yaml, '10-42-0-99.default.pod.cluster.local.').rcode, 'NXDOMAIN');
  });
});
