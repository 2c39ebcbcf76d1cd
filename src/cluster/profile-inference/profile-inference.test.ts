import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/index.ts';
import { parseCidr, parseIP } from '../../lib/ip.ts';
import { buildYaml, codes } from '../_test-helpers.ts';
import { inferProfile } from './index.ts';
import { buildFromTexts } from '../../api/index.ts';
import { coveringCidr } from './_observed.ts';

const meta = (kind: string, ns: string | undefined, name: string, extra = '') =>
  `- apiVersion: ${kind === 'DaemonSet' ? 'apps/v1' : 'v1'}\n  kind: ${kind}\n  metadata: {name: ${name}${ns ? `, namespace: ${ns}` : ''}, uid: u-${name}, resourceVersion: "1"${extra}}\n`;
const node = (name: string, cidr: string, ip: string, zone: string) =>
  meta('Node', undefined, name, `, labels: {topology.kubernetes.io/zone: ${zone}}`) +
  `  spec: {podCIDR: ${cidr}, podCIDRs: [${cidr}]}\n  status:\n    addresses: [{type: InternalIP, address: ${ip}}, {type: Hostname, address: ${name}}]\n    allocatable: {pods: "110"}\n    nodeInfo: {kubeletVersion: v1.31.4+k3s1}\n`;
const svc = (
  ns: string,
  name: string,
  ips: string[],
  families = ips.map((i) => (i.includes(':') ? 'IPv6' : 'IPv4')),
) =>
  meta('Service', ns, name) +
  `  spec: {clusterIP: ${ips[0]}, clusterIPs: [${ips.join(', ')}], ipFamilies: [${families.join(', ')}], ports: [{port: 53}]}\n`;
const corefile = `${meta('ConfigMap', 'kube-system', 'coredns')}  data:\n    Corefile: |\n      .:53 {\n          kubernetes k3s.example in-addr.arpa ip6.arpa {\n            pods insecure\n          }\n          forward . /etc/resolv.conf\n      }\n`;

/** A k3s cluster as `kubectl get -A -o yaml` dumps it: pods 10.42.0.0/16, services 10.43.0.0/16, DNS 10.43.0.10. */
const k3sDump =
  'apiVersion: v1\nkind: List\nitems:\n' +
  node('server-0', '10.42.0.0/24', '192.168.5.10', 'eu-1a') +
  node('agent-1', '10.42.1.0/24', '192.168.5.11', 'eu-1b') +
  node('agent-2', '10.42.2.0/24', '192.168.5.12', 'eu-1b') +
  svc('default', 'kubernetes', ['10.43.0.1']) +
  svc('kube-system', 'kube-dns', ['10.43.0.10']) +
  svc('shop', 'web', ['10.43.200.7']) +
  corefile;

const infer = (text: string, profile?: string) => {
  const objects = parseManifests([{ file: 'dump.yaml', text }]).objects;
  const given = profile ? parseManifests([{ file: 'kubetwin.yaml', text: profile }]).objects[0] : undefined;
  return inferProfile(objects, { given });
};

test('coveringCidr: the smallest prefix holding every address, never longer than the minimum size', () => {
  const ips = ['10.43.0.1', '10.43.0.10', '10.43.200.7'].map((t) => parseIP(t)!);
  assert.equal(coveringCidr(ips, 24)?.text, '10.43.0.0/16');
  assert.equal(coveringCidr([parseIP('10.43.0.1')!], 24)?.text, '10.43.0.0/24');
  assert.equal(
    coveringCidr([parseCidr('10.42.0.0/24')!, parseCidr('10.42.1.0/24')!], 24)?.text,
    '10.42.0.0/23',
  );
  assert.equal(coveringCidr([parseIP('fd00:10:96::a')!], 112)?.text, 'fd00:10:96::/112');
  assert.equal(coveringCidr([], 24), undefined);
});

test('a k3s dump: pod and service ranges, DNS IP, cluster domain, nodes and zones are inferred, each with its origin', () => {
  const { profile, diagnostics } = infer(k3sDump);
  assert.equal(profile.podCIDR, '10.42.0.0/22'); // 3 /24 ranges, room for a /24 per Node
  assert.equal(profile.serviceCIDR, '10.43.0.0/16');
  assert.equal(profile.dnsServiceIP, '10.43.0.10');
  assert.equal(profile.clusterDomain, 'k3s.example');
  assert.equal(profile.nodeCIDRMaskSize, 24);
  assert.equal(profile.maxPodsPerNode, 110);
  assert.deepEqual(
    profile.nodes.map((n) => `${n.name} ${n.zone} ${n.internalIP} ${n.podCIDR}`),
    [
      'agent-1 eu-1b 192.168.5.11 10.42.1.0/24',
      'agent-2 eu-1b 192.168.5.12 10.42.2.0/24',
      'server-0 eu-1a 192.168.5.10 10.42.0.0/24',
    ],
  );
  assert.deepEqual(profile.cni, { name: 'k3s-flannel', enforcesNetworkPolicy: true });
  assert.equal(profile.origins?.dnsServiceIP?.from, 'inferred');
  assert.equal(profile.origins?.dnsServiceIP?.sources?.[0]?.file, 'dump.yaml');
  assert.ok((profile.origins?.dnsServiceIP?.sources?.[0]?.line ?? 0) > 1);
  assert.equal(profile.origins?.kubeProxy?.from, 'default');
  assert.equal(profile.origins?.nodePortRange?.from, 'default');
  // The guesses (covering prefixes) are notes; the stated values are not.
  assert.deepEqual(
    diagnostics.filter((d) => d.code === 'profile-inferred').map((d) => d.message.split(' ')[0]),
    ['podCIDR', 'serviceCIDR', 'clusterDomain', 'cni'],
  );
});

test('the service CIDR: a ServiceCIDR object (the one named kubernetes) wins over the observed ClusterIPs', () => {
  const serviceCIDR = (name: string, cidrs: string) =>
    `- apiVersion: networking.k8s.io/v1\n  kind: ServiceCIDR\n  metadata: {name: ${name}}\n  spec: {cidrs: [${cidrs}]}\n`;
  const { profile, diagnostics } = infer(
    k3sDump + serviceCIDR('extra', '10.50.0.0/16') + serviceCIDR('kubernetes', '10.43.0.0/16,fd00:43::/112'),
  );
  assert.equal(profile.serviceCIDR, '10.43.0.0/16,fd00:43::/112');
  assert.match(profile.origins?.serviceCIDR?.rule ?? '', /ServiceCIDR kubernetes/);
  assert.match(profile.origins?.serviceCIDR?.note ?? '', /extra/);
  assert.ok(!diagnostics.some((d) => d.code === 'profile-inferred' && d.message.startsWith('serviceCIDR')));
});

test('hand-written ClusterIPs (no uid, resourceVersion or creationTimestamp) do not widen the service CIDR', () => {
  const { model, diagnostics } = buildYaml(
    'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: 10.43.0.5, ports: [{port: 80}]}\n',
  );
  assert.equal(model.profile.serviceCIDR, '10.96.0.0/12');
  assert.ok(codes(diagnostics).includes('ip-out-of-range'));
});

test('dual-stack from ipFamilies: a range per family, the primary family first (that of the kubernetes Service)', () => {
  const dump =
    'apiVersion: v1\nkind: List\nitems:\n' +
    svc('default', 'kubernetes', ['fd00:43::1']) +
    svc('shop', 'web', ['fd00:43::20', '10.43.0.20']) +
    svc('shop', 'v4only', ['10.43.1.3']);
  assert.equal(infer(dump).profile.serviceCIDR, 'fd00:43::/112,10.43.0.0/23');
});

const ds = (name: string, image: string, ns = 'kube-system') =>
  meta('DaemonSet', ns, name) +
  `  spec: {selector: {matchLabels: {app: ${name}}}, template: {metadata: {labels: {app: ${name}}}, spec: {containers: [{name: c, image: "${image}"}]}}}\n`;
const cniOf = (items: string) => infer('apiVersion: v1\nkind: List\nitems:\n' + items).profile.cni;

test('the CNI from its DaemonSet; flannel alone does not enforce NetworkPolicy, beside calico-node it is enforced', () => {
  assert.deepEqual(cniOf(ds('kube-flannel-ds', 'docker.io/flannel/flannel:v0.25.1', 'kube-flannel')), {
    name: 'flannel',
    enforcesNetworkPolicy: false,
  });
  assert.deepEqual(
    cniOf(
      ds('kube-flannel-ds', 'docker.io/flannel/flannel:v0.25.1') +
        ds('calico-node', 'docker.io/calico/node:v3.28.0'),
    ),
    { name: 'calico', enforcesNetworkPolicy: true },
  );
  assert.deepEqual(cniOf(ds('agent', 'quay.io/cilium/cilium:v1.16.1@sha256:abc')), {
    name: 'cilium',
    enforcesNetworkPolicy: true,
  });
  assert.deepEqual(cniOf(ds('antrea-agent', 'antrea/antrea-agent-ubuntu:v2.1.0')).name, 'antrea');
  assert.deepEqual(cniOf(ds('weave-net', 'weaveworks/weave-kube:2.8.1')).name, 'weave');
  assert.deepEqual(cniOf(ds('kindnet', 'docker.io/kindest/kindnetd:v20240513-cd2ac642')), {
    name: 'kindnet',
    enforcesNetworkPolicy: false,
  });
  assert.deepEqual(
    cniOf(
      ds('kindnet', 'docker.io/kindest/kindnetd:v20240813-c6f155d6') +
        ds('kube-network-policies', 'registry.k8s.io/networking/kube-network-policies:v0.4.0'),
    ),
    { name: 'kindnet', enforcesNetworkPolicy: true },
  );
});

test('the AWS VPC CNI enforces NetworkPolicy only with its agent flag --enable-network-policy=true; Azure NPM and GKE Dataplane V2 do', () => {
  const awsNode = (flag: string) =>
    meta('DaemonSet', 'kube-system', 'aws-node') +
    `  spec: {template: {spec: {containers: [{name: aws-node, image: "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3"}, {name: aws-eks-nodeagent, image: nodeagent, args: ["--enable-network-policy=${flag}"]}]}}}\n`;
  assert.deepEqual(cniOf(awsNode('false')), { name: 'aws-vpc-cni', enforcesNetworkPolicy: false });
  assert.deepEqual(cniOf(awsNode('true')), { name: 'aws-vpc-cni', enforcesNetworkPolicy: true });
  assert.deepEqual(
    cniOf(
      ds('azure-cns', 'mcr.microsoft.com/containernetworking/azure-cns:v1.6') +
        ds('azure-npm', 'mcr.microsoft.com/containernetworking/azure-npm:v1.5.34'),
    ),
    {
      name: 'azure-npm',
      enforcesNetworkPolicy: true,
    },
  );
  assert.deepEqual(cniOf(ds('anetd', 'gke.gcr.io/cilium/cilium:v1.14')), {
    name: 'gke-dataplane-v2',
    enforcesNetworkPolicy: true,
  });
});

test('the CNI from Pods a DaemonSet owns, when the dump holds the pods but not the DaemonSet', () => {
  const pod =
    meta(
      'Pod',
      'kube-system',
      'cilium-x7k2p',
      ', ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: cilium, uid: d1}]',
    ) + '  spec: {containers: [{name: agent, image: quay.io/cilium/cilium:v1.16.1}]}\n';
  assert.deepEqual(cniOf(pod), { name: 'cilium', enforcesNetworkPolicy: true });
});

test('kube-proxy mode from its ConfigMap: empty is iptables (the Linux default), ipvs keeps its scheduler', () => {
  const cm = (conf: string) =>
    infer(
      'apiVersion: v1\nkind: List\nitems:\n' +
        meta('ConfigMap', 'kube-system', 'kube-proxy') +
        `  data:\n    config.conf: |\n${conf
          .split('\n')
          .map((l) => `      ${l}`)
          .join('\n')}\n`,
    ).profile.kubeProxy;
  assert.deepEqual(
    cm('apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ""'),
    {
      mode: 'iptables',
    },
  );
  assert.deepEqual(
    cm('ipvs:\n  strictARP: true\n  scheduler: "wrr"\nkind: KubeProxyConfiguration\nmode: ipvs'),
    {
      mode: 'ipvs',
      ipvsScheduler: 'wrr',
    },
  );
  assert.deepEqual(cm('mode: nftables'), { mode: 'nftables' });
});

test('precedence: a profile field wins over inference (a contradiction is a warning), inference over the default', () => {
  const { profile, diagnostics } = infer(
    k3sDump,
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ndnsServiceIP: 10.43.0.53\nnodePortRange: {min: 30000, max: 31000}\n',
  );
  assert.equal(profile.dnsServiceIP, '10.43.0.53');
  assert.equal(profile.origins?.dnsServiceIP?.from, 'profile');
  assert.equal(profile.origins?.dnsServiceIP?.sources?.[0]?.file, 'kubetwin.yaml');
  assert.equal(profile.serviceCIDR, '10.43.0.0/16');
  assert.equal(profile.origins?.serviceCIDR?.from, 'inferred');
  assert.equal(profile.nodePortRange.max, 31000);
  assert.equal(profile.origins?.maxPodsPerNode?.from, 'inferred');
  assert.equal(profile.origins?.externalHosts?.from, 'default');
  const warning = diagnostics.find((d) => d.code === 'profile-contradicts-observed');
  assert.equal(warning?.severity, 'warning');
  assert.match(warning?.message ?? '', /10\.43\.0\.53.*kube-dns.*10\.43\.0\.10/);
});

test('an invalid profile field does not count as set: the inferred value is used', () => {
  const { profile, diagnostics } = infer(
    k3sDump,
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nserviceCIDR: not-a-cidr\n',
  );
  assert.ok(codes(diagnostics).includes('invalid-profile'));
  assert.equal(profile.serviceCIDR, '10.43.0.0/16');
});

test('the model of a k3s dump uses the inferred profile: no ClusterIP is out of range, pods resolve via 10.43.0.10', () => {
  const { model, diagnostics } = buildYaml(k3sDump);
  assert.ok(!codes(diagnostics).includes('ip-out-of-range'), codes(diagnostics).join(', '));
  assert.equal(model.profile.dnsServiceIP, '10.43.0.10');
  assert.deepEqual(
    model.services.filter((s) => s.name === 'web').map((s) => s.clusterIPs),
    [['10.43.200.7']],
  );
});

test('under an inferred pod CIDR the default nodes get their ranges from it (not the default 10.244.x.0/24)', () => {
  const pod = (name: string, ip: string) =>
    meta('Pod', 'shop', name) +
    `  spec: {containers: [{name: c}]}\n  status: {phase: Running, podIP: ${ip}, podIPs: [{ip: ${ip}}]}\n`;
  const { model } = buildYaml(
    'apiVersion: v1\nkind: List\nitems:\n' + pod('a', '172.16.3.17') + pod('b', '172.16.9.4'),
  );
  assert.equal(model.profile.podCIDR, '172.16.0.0/16');
  assert.deepEqual(
    model.nodes.map((n) => n.podCIDR),
    ['172.16.0.0/24', '172.16.1.0/24', '172.16.2.0/24'],
  );
});

test('under another service CIDR, without a kube-dns Service, the DNS IP is its 10th address (kubeadm, k3s), not 10.96.0.10', () => {
  const dump = 'apiVersion: v1\nkind: List\nitems:\n' + svc('shop', 'web', ['10.43.117.48']);
  const { model, diagnostics } = buildYaml(dump);
  assert.equal(model.profile.serviceCIDR, '10.43.117.0/24');
  assert.equal(model.profile.dnsServiceIP, '10.43.117.10');
  assert.ok(!codes(diagnostics).includes('ip-out-of-range'), codes(diagnostics).join(', '));
  const given = buildYaml(
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nserviceCIDR: 10.43.0.0/16\n',
  );
  assert.equal(given.model.profile.dnsServiceIP, '10.43.0.10');
  assert.ok(!codes(given.diagnostics).includes('ip-out-of-range'));
});

test('rule cni-from-cilium-policies: Cilium policies and no node agent in the input infer cni cilium, with a note; a profile naming the CNI wins', () => {
  const cnp =
    'apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: {endpointSelector: {}}\n';
  const inferred = buildFromTexts([{ file: 'p.yaml', text: cnp }]);
  assert.equal(inferred.model.profile.cni.name, 'cilium');
  assert.ok(
    inferred.diagnostics.some((d) => d.code === 'profile-inferred' && /Cilium policies/.test(d.message)),
  );
  const given = buildFromTexts([
    {
      file: 'p.yaml',
      text: `${cnp}---\napiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: calico}\n`,
    },
  ]);
  assert.equal(given.model.profile.cni.name, 'calico');
});

test('rule control-plane-flags: the ranges kube-apiserver and kube-controller-manager are started with win over covering prefixes', () => {
  const staticPod = (name: string, component: string, flags: string[]) =>
    meta('Pod', 'kube-system', name, `, labels: {component: ${component}, tier: control-plane}`) +
    `  spec:\n    hostNetwork: true\n    nodeName: minikube\n    containers:\n    - name: ${component}\n      image: registry.k8s.io/${component}:v1.27.4\n      command:\n      - ${component}\n${flags.map((f) => `      - ${f}\n`).join('')}` +
    '  status: {phase: Running, hostIP: 192.168.49.2, podIP: 192.168.49.2}\n';
  const dump =
    'apiVersion: v1\nkind: List\nitems:\n' +
    staticPod('kube-apiserver-minikube', 'kube-apiserver', [
      '--secure-port=8443',
      '--service-cluster-ip-range=10.96.0.0/12',
      '--service-node-port-range=30000-31000',
    ]) +
    staticPod('kube-controller-manager-minikube', 'kube-controller-manager', [
      '--allocate-node-cidrs=true',
      '--cluster-cidr=10.244.0.0/16',
      '--node-cidr-mask-size=25',
    ]) +
    svc('default', 'kubernetes', ['10.96.0.1']) +
    svc('kube-system', 'kube-dns', ['10.96.0.10']);
  const { profile, diagnostics } = infer(dump);
  assert.equal(profile.serviceCIDR, '10.96.0.0/12');
  assert.equal(profile.podCIDR, '10.244.0.0/16');
  assert.equal(profile.nodeCIDRMaskSize, 25);
  assert.deepEqual(profile.nodePortRange, { min: 30000, max: 31000 });
  assert.match(
    profile.origins?.serviceCIDR?.rule ?? '',
    /--service-cluster-ip-range of Pod kube-system\/kube-apiserver-minikube/,
  );
  assert.equal(profile.origins?.podCIDR?.sources?.[0]?.line, 31); // the --cluster-cidr word
  // Stated, not guessed: no profile-inferred note for them.
  assert.ok(!diagnostics.some((d) => d.code === 'profile-inferred' && /serviceCIDR|podCIDR/.test(d.message)));
  // A profile that says otherwise is told so, and wins.
  const given = infer(
    dump,
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nserviceCIDR: 10.100.0.0/16\n',
  );
  assert.equal(given.profile.serviceCIDR, '10.100.0.0/16');
  assert.ok(codes(given.diagnostics).includes('profile-contradicts-observed'));
});

test('rule control-plane-flags: without the control plane pods (a managed cluster) the covering prefix stays a noted guess', () => {
  const { profile, diagnostics } = infer(
    'apiVersion: v1\nkind: List\nitems:\n' +
      svc('default', 'kubernetes', ['10.96.0.1']) +
      svc('kube-system', 'kube-dns', ['10.96.0.10']),
  );
  assert.equal(profile.serviceCIDR, '10.96.0.0/24');
  assert.ok(diagnostics.some((d) => d.code === 'profile-inferred' && /serviceCIDR/.test(d.message)));
});

test("rule dns-service-by-distribution: OpenShift's openshift-dns/dns-default and RKE2's kube-system Service labelled k8s-app: kube-dns give the DNS IP", () => {
  const openshift = infer(
    'apiVersion: v1\nkind: List\nitems:\n' +
      svc('openshift-dns', 'dns-default', ['172.30.0.10']) +
      svc('payments', 'ledger', ['172.30.88.14']),
  );
  assert.equal(openshift.profile.dnsServiceIP, '172.30.0.10');
  const rke2 = infer(
    'apiVersion: v1\nkind: List\nitems:\n' +
      meta('Service', 'kube-system', 'rke2-coredns-rke2-coredns', ', labels: {k8s-app: kube-dns}') +
      '  spec: {clusterIP: 10.43.0.53, clusterIPs: [10.43.0.53], ports: [{port: 53}]}\n' +
      svc('shop', 'web', ['10.43.12.40']),
  );
  assert.equal(rke2.profile.dnsServiceIP, '10.43.0.53');
});

test('rule link-local-dns-not-contradicted: a profile dnsServiceIP on 169.254.0.0/16 (NodeLocal DNSCache, Cloud DNS for GKE) is no contradiction of the kube-dns ClusterIP', () => {
  const dump = 'apiVersion: v1\nkind: List\nitems:\n' + svc('kube-system', 'kube-dns', ['10.12.0.10']);
  const warned = (ip: string) =>
    codes(
      infer(dump, `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ndnsServiceIP: ${ip}\n`)
        .diagnostics,
    ).includes('profile-contradicts-observed');
  assert.equal(warned('169.254.169.254'), false);
  assert.equal(warned('169.254.20.10'), false);
  assert.equal(warned('10.12.0.53'), true);
});

/** Nodes with a providerID, as the cloud providers set it. */
const cloudNodes = (...ids: string[]) =>
  'apiVersion: v1\nkind: List\nitems:\n' +
  ids
    .map(
      (id, i) =>
        meta('Node', undefined, `n${i}`) +
        `  spec: {providerID: "${id}"}\n  status:\n    addresses: [{type: InternalIP, address: 10.0.0.${i + 2}}]\n`,
    )
    .join('');
const nodeSearch = (...ids: string[]) => {
  const r = inferProfile(parseManifests([{ file: 'dump.yaml', text: cloudNodes(...ids) }]).objects);
  return { domains: r.profile.nodeSearchDomains, origin: r.profile.origins?.nodeSearchDomains };
};

test("rule kubelet-appends-node-search-domains: the nodes' search domains are inferred from GCE and EC2 providerIDs", () => {
  const gce = nodeSearch('gce://shop-prod/europe-west1-b/gke-a', 'gce://shop-prod/europe-west1-b/gke-b');
  assert.deepEqual(gce.domains, [
    'europe-west1-b.c.shop-prod.internal',
    'c.shop-prod.internal',
    'google.internal',
  ]);
  assert.equal(gce.origin?.from, 'inferred');
  assert.deepEqual(nodeSearch('aws:///us-east-1a/i-0123').domains, ['ec2.internal']);
  assert.deepEqual(nodeSearch('aws:///eu-west-1b/i-0123').domains, ['eu-west-1.compute.internal']);
  // Azure's domain is generated per VNet; nodes of two projects disagree; no providerID says nothing.
  assert.equal(nodeSearch('azure:///subscriptions/s/resourceGroups/g/providers/x/vm-0').domains, undefined);
  assert.equal(nodeSearch('gce://a/europe-west1-b/n', 'gce://b/europe-west1-b/n').domains, undefined);
  assert.equal(nodeSearch('').domains, undefined);
});
