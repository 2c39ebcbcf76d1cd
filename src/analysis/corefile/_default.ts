/**
 * The Corefile kubeadm installs (cmd/kubeadm/app/phases/addons/dns), with the cluster domain filled in; used
 * when the manifests hold no `coredns` ConfigMap.
 * https://github.com/kubernetes/kubernetes/blob/master/cmd/kubeadm/app/phases/addons/dns/manifests.go
 */
export function defaultCorefileLines(clusterDomain: string): string[] {
  return [
    '.:53 {',
    '    errors',
    '    health {',
    '       lameduck 5s',
    '    }',
    '    ready',
    `    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {`,
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    '       ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf {',
    '       max_concurrent 1000',
    '    }',
    '    cache 30',
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
  ];
}

/** The kubeadm Corefile as text. */
export function defaultCorefile(clusterDomain: string): string {
  return defaultCorefileLines(clusterDomain).join('\n') + '\n';
}
