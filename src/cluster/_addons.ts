import type { Profile } from '../model/profile.ts';
import { rawFromData, type RawObject } from '../parse/index.ts';

const addonSource = { file: '<addon>', doc: 0, line: 1, column: 1 };

/**
 * The objects every cluster runs that manifests rarely carry: the `kubernetes` Service (first address of the
 * service CIDR, backed by the API server on the first node), CoreDNS (`k8s-app: kube-dns`) behind the
 * `kube-dns` Service at the profile's DNS IP, and kube-proxy on every node. Each is added only when the
 * manifests do not define an object with the same key. CoreDNS is `system-cluster-critical` and kube-proxy
 * `system-node-critical`, as kubeadm deploys them, so they keep their places when nodes are full.
 * k3s runs kube-proxy inside its own server and agent processes, not as pods (`--disable-kube-proxy` turns it
 * off), so on a k3s cluster (`kubeProxyPods: false`) no kube-proxy pods are added.
 * Pods read back from a cluster's kube-system (`systemPods: false`) are its system pods: no stand-in CoreDNS or
 * kube-proxy pods are added beside them. Clusters differ there: GKE serves DNS from a `kube-dns` Deployment (a
 * stand-in `coredns` would be a second, invented backend of the kube-dns Service), and a cluster set up without
 * the kube-proxy add-on (Cilium's kube-proxy replacement: `kubeadm init --skip-phases=addon/kube-proxy`) runs none.
 * The Services are still added when absent: they are not pods, and the stand-ins name no invented endpoint.
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/
 * https://docs.k3s.io/architecture https://docs.k3s.io/cli/server
 * https://cloud.google.com/kubernetes-engine/docs/concepts/kube-dns
 * https://docs.cilium.io/en/stable/network/kubernetes/kubeproxy-free/
 */
export function addonObjects(
  profile: Profile,
  firstAddressOfServiceCidr: string,
  apiServerIP: string | undefined,
  options: { readonly kubeProxyPods?: boolean; readonly systemPods?: boolean } = {},
): RawObject[] {
  const dnsPorts = [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
  ];
  const objects: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: firstAddressOfServiceCidr,
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    },
    ...(apiServerIP
      ? [
          {
            apiVersion: 'discovery.k8s.io/v1',
            kind: 'EndpointSlice',
            metadata: {
              name: 'kubernetes',
              namespace: 'default',
              labels: {
                'kubernetes.io/service-name': 'kubernetes',
                'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
              },
            },
            addressType: 'IPv4',
            endpoints: [{ addresses: [apiServerIP], conditions: { ready: true } }],
            ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
          },
        ]
      : []),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            dnsPolicy: 'Default',
            priorityClassName: 'system-cluster-critical',
            serviceAccountName: 'coredns',
            containers: [
              { name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.3', ports: dnsPorts },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
      },
      spec: {
        clusterIP: profile.dnsServiceIP,
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
      spec: {
        selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-proxy' } },
          spec: {
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            serviceAccountName: 'kube-proxy',
            containers: [
              {
                name: 'kube-proxy',
                image: 'registry.k8s.io/kube-proxy:v1.31.0',
                ports: [{ name: 'metrics', containerPort: 10249 }],
              },
            ],
          },
        },
      },
    },
  ];
  const kept = objects.filter(
    (o) =>
      !(options.systemPods === false && (o.kind === 'Deployment' || o.kind === 'DaemonSet')) &&
      !(options.kubeProxyPods === false && o.kind === 'DaemonSet'),
  );
  return kept.map((body) => rawFromData(body, addonSource));
}
