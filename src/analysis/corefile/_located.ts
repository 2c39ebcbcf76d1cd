/**
 * Which ConfigMap holds the Corefile the cluster's DNS server runs. CoreDNS reads the file its `-conf` flag names
 * (https://coredns.io/manual/toc/#configuration: "-conf … the Corefile to load"), and in every distribution that file
 * is a key of a ConfigMap volume of the pods behind the cluster DNS Service (the Service at kubelet's `clusterDNS`):
 * kubeadm and k3s mount `kube-system/coredns`, RKE2's rke2-coredns chart `kube-system/rke2-coredns-rke2-coredns`
 * (https://github.com/rancher/rke2-charts, packages/rke2-coredns, templates/deployment.yaml `args: [ "-conf",
 * "/etc/coredns/Corefile" ]`), OpenShift's DNS operator `openshift-dns/dns-default` from the DaemonSet `dns-default`
 * (https://github.com/openshift/cluster-dns-operator, pkg/manifests/assets/dns/daemonset.yaml). So the Corefile is
 * found by following the DNS Service to its pods' workload, the workload's `-conf` argument and its ConfigMap
 * volumes — not by the name `coredns`.
 */
import type { ClusterModel, ObjectKey, OtherObject, Service } from '../../model/types.ts';

export type CorefileLocation =
  | {
      /** The ConfigMap, the data key holding the Corefile and the directory it is mounted at. */
      readonly configMap: OtherObject;
      readonly key: string;
      readonly dir: string;
      /** The workload that runs CoreDNS with it, and the DNS Service in front. */
      readonly server: ObjectKey;
      readonly service: ObjectKey;
    }
  | {
      /** The DNS server runs CoreDNS from a ConfigMap the input does not hold. */
      readonly missing: string;
      readonly server: ObjectKey;
      readonly service: ObjectKey;
    };

/** The value of Go's `-conf` flag (`-conf X`, `--conf X`, `-conf=X`, `--conf=X`) among a container's words. */
export function confFlag(words: readonly (string | undefined)[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-conf' || w === '--conf') return words[i + 1];
    const m = w && /^--?conf=(.+)$/.exec(w);
    if (m) return m[1];
  }
  return undefined;
}

/** The Services pods are told to ask (kubelet's `clusterDNS`, the profile's `dnsServiceIP`), else `kube-system/kube-dns`. */
function dnsServices(model: ClusterModel): Service[] {
  const at = model.services.filter((s) => s.clusterIPs.includes(model.profile.dnsServiceIP));
  if (at.length) return at;
  return model.services.filter((s) => s.namespace === 'kube-system' && s.name === 'kube-dns');
}

/**
 * Where the cluster's CoreDNS reads its Corefile, or undefined when the input does not show a CoreDNS workload with a
 * `-conf` flag behind the DNS Service (then the caller falls back to `kube-system/coredns`, kube-dns or kubeadm's
 * default).
 */
export function locateCorefile(model: ClusterModel): CorefileLocation | undefined {
  for (const svc of dnsServices(model)) {
    const selector = svc.selector;
    if (!selector || !Object.keys(selector).length) continue;
    // A pod's workload holds its template; a pod read back from a cluster holds its own spec.
    const owners = new Set<ObjectKey>();
    for (const p of model.pods)
      if (p.namespace === svc.namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v))
        for (const k of [p.owner, p.key]) if (k) owners.add(k);
    for (const owner of owners) {
      const settings = model.settings?.find((s) => s.owner === owner);
      if (!settings) continue;
      const conf = settings.words.map((w) => confFlag(w.values)).find((c) => c !== undefined);
      if (!conf) continue;
      const cut = conf.lastIndexOf('/');
      const key = conf.slice(cut + 1);
      const dir = cut > 0 ? conf.slice(0, cut) : '/etc/coredns';
      const volumes = settings.settings
        .filter((s) => s.kind === 'volume' && s.configMap)
        .map((s) => s.configMap!.name);
      const configMap = volumes
        .map((name) =>
          model.others.find(
            (o) => o.kind === 'ConfigMap' && o.namespace === svc.namespace && o.name === name,
          ),
        )
        .find((cm) => typeof (cm?.body.data as Record<string, unknown> | undefined)?.[key] === 'string');
      if (configMap) return { configMap, key, dir, server: owner, service: svc.key };
      const mounted = volumes.length
        ? `from its ConfigMap volume${volumes.length > 1 ? 's' : ''} ${volumes.map((n) => `${svc.namespace}/${n}`).join(', ')}, none of which in the input has a key ${key}`
        : 'and has no ConfigMap volume';
      return {
        missing: `${owner} behind the cluster DNS Service ${svc.key} runs CoreDNS with -conf ${conf} ${mounted}`,
        server: owner,
        service: svc.key,
      };
    }
  }
  return undefined;
}
