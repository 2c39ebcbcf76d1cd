/**
 * NodeLocal DNSCache: pods whose nameserver node-local-dns binds ask it; it forwards the cluster domain and the
 * reverse zones to cluster DNS and every other name to the node's resolv.conf, past CoreDNS's own rules.
 * https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns, findPod, unknownResolution } from './index.ts';

const cluster = `apiVersion: v1
kind: Service
metadata: {name: kube-dns, namespace: kube-system}
spec: {clusterIP: 10.96.0.10, ports: [{name: dns, port: 53, protocol: UDP}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.20, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop}
spec: {containers: [{name: c, image: busybox}]}
status: {phase: Running, podIP: 10.244.0.5}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: coredns, namespace: kube-system}
data:
  Corefile: |
    .:53 {
        kubernetes cluster.local in-addr.arpa ip6.arpa {
          pods insecure
          ttl 30
          fallthrough in-addr.arpa ip6.arpa
        }
        hosts {
          10.1.2.3 db.corp.example
          fallthrough
        }
        forward . /etc/resolv.conf
    }
`;
const nodeLocal = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: node-local-dns, namespace: kube-system}
data:
  Corefile: |
    cluster.local:53 {
        errors
        cache {
                success 9984 30
                denial 9984 5
        }
        bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
        forward . __PILLAR__CLUSTER__DNS__ {
                force_tcp
        }
    }
    in-addr.arpa:53 {
        cache 30
        bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
        forward . __PILLAR__CLUSTER__DNS__ {
                force_tcp
        }
    }
    .:53 {
        cache 30
        bind __PILLAR__LOCAL__DNS__ __PILLAR__DNS__SERVER__
        forward . __PILLAR__UPSTREAM__SERVERS__
    }
`;

const resolve = (yaml: string, name: string) => {
  const { model } = buildYaml(yaml);
  const res = createDns(model).resolveFrom(findPod(model, 'shop/client')!, { name, type: 'A' });
  return { res, unknown: unknownResolution(res) };
};

describe('NodeLocal DNSCache (node-local-dns ConfigMap)', () => {
  it("nodelocaldns: a name outside the cluster zones goes to the node's resolv.conf, not CoreDNS's hosts", () => {
    const before = resolve(cluster, 'db.corp.example');
    assert.equal(before.res.walk.rcode, 'NOERROR', 'without node-local-dns: CoreDNS hosts answers');
    const { res, unknown } = resolve(cluster + nodeLocal, 'db.corp.example');
    assert.notEqual(res.walk.final.answeredBy, 'hosts');
    assert.match(unknown ?? '', /node's \/etc\/resolv\.conf/);
    assert.ok(res.walk.final.notes.some((n) => n.includes('node-local-dns')));
  });

  it('nodelocaldns: cluster names are forwarded to cluster DNS and answered from the model', () => {
    const { res, unknown } = resolve(cluster + nodeLocal, 'web.shop.svc.cluster.local');
    assert.equal(unknown, undefined);
    assert.equal(res.walk.rcode, 'NOERROR');
    assert.ok(
      res.walk.final.notes.some((n) =>
        /node-local-dns .* at 10\.96\.0\.10, which forwards cluster\.local/.test(n),
      ),
    );
  });

  it('nodelocaldns: a pod whose nameserver is the link-local 169.254.20.10 asks node-local-dns, which reaches cluster DNS', () => {
    const pod = `---
apiVersion: v1
kind: Pod
metadata: {name: linklocal, namespace: shop}
spec:
  dnsPolicy: None
  dnsConfig: {nameservers: [169.254.20.10], searches: [shop.svc.cluster.local]}
  containers: [{name: c, image: busybox}]
status: {phase: Running, podIP: 10.244.0.6}
`;
    const { model } = buildYaml(cluster + nodeLocal + pod);
    const res = createDns(model).resolveFrom(findPod(model, 'shop/linklocal')!, { name: 'web', type: 'A' });
    assert.equal(unknownResolution(res), undefined);
    assert.equal(res.walk.rcode, 'NOERROR');
  });

  it('nodelocaldns: a DaemonSet without its ConfigMap makes names outside the cluster zones unknown', () => {
    const ds = `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-local-dns, namespace: kube-system}
spec:
  selector: {matchLabels: {k8s-app: node-local-dns}}
  template:
    metadata: {labels: {k8s-app: node-local-dns}}
    spec: {hostNetwork: true, containers: [{name: node-cache, image: registry.k8s.io/dns/k8s-dns-node-cache:1.23.1}]}
`;
    const { unknown } = resolve(cluster + ds, 'db.corp.example');
    assert.match(
      unknown ?? '',
      /DaemonSet is in the input but not its kube-system\/node-local-dns ConfigMap/,
    );
    const web = resolve(cluster + ds, 'web.shop.svc.cluster.local');
    assert.equal(web.unknown, undefined);
    assert.equal(web.res.walk.rcode, 'NOERROR');
  });

  it("nodelocaldns: kubelet's clusterDNS on 169.254.20.10 without node-local-dns in the input: other names unknown", () => {
    const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ndnsServiceIP: 169.254.20.10\n';
    const { model } = buildYaml(cluster, { profile });
    const client = findPod(model, 'shop/client')!;
    const dns = createDns(model);
    const hosts = dns.resolveFrom(client, { name: 'db.corp.example', type: 'A' });
    assert.match(unknownResolution(hosts) ?? '', /link-local node cache \(NodeLocal DNSCache\)/);
    const web = dns.resolveFrom(client, { name: 'web', type: 'A' });
    assert.equal(unknownResolution(web), undefined);
    assert.equal(web.walk.rcode, 'NOERROR');
  });

  it("rule cloud-dns-for-gke: kubelet's clusterDNS on GKE's metadata server 169.254.169.254 is Cloud DNS for GKE, not a NodeLocal DNSCache: cluster names as cluster DNS answers them, the rest unknown", () => {
    const profile =
      'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ndnsServiceIP: 169.254.169.254\n';
    const { model } = buildYaml(cluster, { profile });
    const client = findPod(model, 'shop/client')!;
    const dns = createDns(model);
    assert.deepEqual(
      dns.diagnostics.map((d) => d.code),
      ['cloud-dns-for-gke'],
    );
    const web = dns.resolveFrom(client, { name: 'web', type: 'A' });
    assert.equal(web.walk.rcode, 'NOERROR');
    assert.match(
      web.walk.final.notes.join(' '),
      /GKE's metadata server \(Cloud DNS for GKE\).*records Cloud DNS provisions/,
    );
    assert.doesNotMatch(web.walk.final.notes.join(' '), /NodeLocal DNSCache/);
    const outside = dns.resolveFrom(client, { name: 'db.corp.example', type: 'A' });
    assert.match(unknownResolution(outside) ?? '', /Cloud DNS for GKE/);
  });

  it("nodelocaldns: node-local-dns's cache caps a denial at its own TTL (denial 9984 5)", () => {
    const { res } = resolve(cluster + nodeLocal, 'nope.shop.svc.cluster.local.');
    const soa = res.walk.final.authority.find((r) => r.rdata.type === 'SOA');
    assert.equal(res.walk.final.rcode, 'NXDOMAIN');
    assert.equal(soa?.ttl, 5);
  });
});
