import type { Namespace, Pod } from '../../../model/types.ts';
import type { Sidecar } from '../types.ts';

const annotation = 'linkerd.io/inject';
const injecting = ['enabled', 'ingress'];

/**
 * Whether Linkerd's proxy injector adds its proxy to a pod: the `linkerd.io/inject` annotation on the pod
 * (template) wins over the namespace's (`disabled` on the pod opts it out of an injected namespace);
 * `enabled` and `ingress` inject. The injector's webhook skips `kube-system` and namespaces labelled
 * `config.linkerd.io/admission-webhooks: disabled`, and pods on the host network are not injected.
 * https://linkerd.io/2.15/features/proxy-injection/
 * https://linkerd.io/2.15/reference/proxy-configuration/
 */
export function linkerdSidecar(pod: Pod, ns: Namespace | undefined, clusterDomain: string): Sidecar {
  const off = (reason: string): Sidecar => ({ meshed: false, reason });
  if (pod.namespace === 'kube-system') return off('namespace kube-system is never injected');
  if (ns?.labels['config.linkerd.io/admission-webhooks'] === 'disabled')
    return off('namespace label config.linkerd.io/admission-webhooks=disabled');
  if (pod.hostNetwork) return off('hostNetwork pods are not injected');
  const on = (reason: string): Sidecar => ({
    meshed: true,
    reason,
    identity: `${pod.serviceAccountName}.${pod.namespace}.serviceaccount.identity.linkerd.${clusterDomain}`,
  });
  const onPod = pod.annotations[annotation];
  if (onPod !== undefined)
    return injecting.includes(onPod)
      ? on(`pod annotation ${annotation}=${onPod}`)
      : off(`pod annotation ${annotation}=${onPod}`);
  const onNs = ns?.annotations[annotation];
  if (onNs !== undefined)
    return injecting.includes(onNs)
      ? on(`namespace annotation ${annotation}=${onNs}`)
      : off(`namespace annotation ${annotation}=${onNs}`);
  return off(`no ${annotation} annotation on the namespace or pod`);
}
