import { parseIP } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import {
  asRecord,
  asString,
  at,
  findObject,
  isKind,
  isObserved,
  labelsOf,
  nameOf,
  namespaceOf,
  type Inferred,
} from './_observed.ts';

/**
 * The cluster DNS Service a distribution creates, read back from a cluster: `kube-system/kube-dns` (kubeadm, k3s,
 * EKS, GKE, AKS: the name CoreDNS keeps for compatibility), OpenShift's `openshift-dns/dns-default` (the DNS
 * operator's Service, https://github.com/openshift/cluster-dns-operator pkg/operator/controller/names.go), or a
 * kube-system Service labelled `k8s-app: kube-dns` (RKE2's `rke2-coredns-rke2-coredns`, rancher/rke2-charts
 * packages/rke2-coredns, `k8sApp: kube-dns`).
 */
function dnsService(objects: readonly RawObject[]): RawObject | undefined {
  const observed = (o: RawObject | undefined) => (o && isObserved(o) ? o : undefined);
  return (
    observed(findObject(objects, 'Service', 'kube-system', 'kube-dns')) ??
    observed(findObject(objects, 'Service', 'openshift-dns', 'dns-default')) ??
    objects.find(
      (o) =>
        isKind(o, 'Service', '') &&
        namespaceOf(o) === 'kube-system' &&
        labelsOf(o)['k8s-app'] === 'kube-dns' &&
        isObserved(o),
    )
  );
}

/**
 * The DNS Service IP pods are given (kubelet `clusterDNS`): the ClusterIP of the cluster DNS Service (see
 * `dnsService`) read back from a cluster, else kubeadm's `kube-system/kubelet-config` ConfigMap `clusterDNS`. A
 * hand-written kube-dns Service is not evidence of what kubelet says: a ClusterIP other than the profile's stays a
 * finding.
 * https://kubernetes.io/docs/tasks/administer-cluster/dns-custom-nameservers/
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export function inferDnsServiceIP(objects: readonly RawObject[]): Inferred<string> | undefined {
  const svc = dnsService(objects);
  const ip = asString(at(svc?.body, 'spec', 'clusterIPs', 0)) ?? asString(at(svc?.body, 'spec', 'clusterIP'));
  if (svc && ip && parseIP(ip))
    return {
      value: ip,
      sources: [svc.source],
      rule: `Service ${namespaceOf(svc)}/${nameOf(svc)} spec.clusterIP`,
      exact: true,
    };
  const kubelet = kubeletConfig(objects);
  const dns = kubelet && /^clusterDNS:\s*\n\s*-\s*["']?([0-9a-fA-F.:]+)["']?/m.exec(kubelet.text);
  if (kubelet && dns && parseIP(dns[1]!))
    return {
      value: dns[1]!,
      sources: [kubelet.raw.source],
      rule: 'ConfigMap kube-system/kubelet-config clusterDNS',
      exact: true,
    };
  return undefined;
}

/**
 * The cluster domain: kubelet's `clusterDomain` (it writes the pods' search list) from kubeadm's
 * `kube-system/kubelet-config` ConfigMap, else the first forward zone of the `kubernetes` plugin in the
 * `kube-system/coredns` ConfigMap's Corefile (`kubernetes cluster.local in-addr.arpa ip6.arpa {`) read back from
 * a cluster (a guess about kubelet, noted). A hand-written Corefile is what the user wants CoreDNS to serve, not
 * evidence of kubelet's domain: a zone other than the profile's stays a `corefile-zone-mismatch` finding.
 * https://coredns.io/plugins/kubernetes/
 */
export function inferClusterDomain(objects: readonly RawObject[]): Inferred<string> | undefined {
  const kubelet = kubeletConfig(objects);
  const domain = kubelet && /^clusterDomain:\s*["']?([A-Za-z0-9.-]+?)\.?["']?\s*$/m.exec(kubelet.text);
  if (kubelet && domain)
    return {
      value: domain[1]!,
      sources: [kubelet.raw.source],
      rule: 'ConfigMap kube-system/kubelet-config clusterDomain',
      exact: true,
    };
  const cm = findObject(objects, 'ConfigMap', 'kube-system', 'coredns');
  const corefile = asString(at(cm?.body, 'data', 'Corefile'));
  if (!cm || !isObserved(cm) || !corefile) return undefined;
  for (const line of corefile.split('\n')) {
    const m = /^\s*kubernetes((?:\s+[^\s{]+)*)\s*\{?\s*$/.exec(line);
    if (!m) continue;
    const zones = m[1]!
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((z) => z.replace(/\.$/, '').toLowerCase())
      .filter((z) => z && !z.endsWith('in-addr.arpa') && !z.endsWith('ip6.arpa'));
    if (!zones.length) continue;
    return {
      value: zones[0]!,
      sources: [cm.locate(['data', 'Corefile'])],
      rule: 'first zone of the kubernetes plugin in ConfigMap kube-system/coredns data.Corefile',
      note:
        "kubelet's --cluster-domain is not in the input; the zone CoreDNS serves is taken for it" +
        (zones.length > 1 ? ` (CoreDNS also serves ${zones.slice(1).join(', ')})` : ''),
      exact: false,
    };
  }
  return undefined;
}

function kubeletConfig(objects: readonly RawObject[]): { raw: RawObject; text: string } | undefined {
  const cm = findObject(objects, 'ConfigMap', 'kube-system', 'kubelet-config');
  const data = asRecord(at(cm?.body, 'data'));
  const text = data && (asString(data.kubelet) ?? Object.values(data).find((v) => typeof v === 'string'));
  return cm && typeof text === 'string' ? { raw: cm, text } : undefined;
}
