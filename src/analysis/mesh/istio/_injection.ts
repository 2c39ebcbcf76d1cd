import type { Namespace, Pod } from '../../../model/types.ts';
import type { Sidecar } from '../types.ts';

/** Namespaces Istio's injector never injects into. */
const neverInjected = ['kube-system', 'kube-public'];

/**
 * Whether Istio's injector adds a sidecar to a pod, as its docs state the policy: a pod in `kube-system` or
 * `kube-public`, or on the host network, is never injected; otherwise, if either the namespace label
 * `istio-injection` or the pod label `sidecar.istio.io/inject` disables injection, the pod is not injected;
 * if either enables it, it is. `istio.io/rev` on the namespace or pod enables injection for that revision
 * (`istio-injection` wins over it). The deprecated pod annotation `sidecar.istio.io/inject: "false"` still
 * disables. Without any, the default (`enableNamespacesByDefault: false`) is not to inject.
 * https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/#controlling-the-injection-policy
 */
export function istioSidecar(pod: Pod, ns: Namespace | undefined, trustDomain: string): Sidecar {
  const off = (reason: string): Sidecar => ({ meshed: false, reason });
  if (neverInjected.includes(pod.namespace)) return off(`namespace ${pod.namespace} is never injected`);
  if (pod.hostNetwork) return off('hostNetwork pods are never injected');
  const nsLabel = ns?.labels['istio-injection'];
  const nsRev = ns?.labels['istio.io/rev'];
  const podLabel = pod.labels['sidecar.istio.io/inject'];
  const podAnnotation = pod.annotations['sidecar.istio.io/inject'];
  const podRev = pod.labels['istio.io/rev'];
  if (nsLabel === 'disabled') return off('namespace label istio-injection=disabled');
  if (podLabel === 'false') return off('pod label sidecar.istio.io/inject=false');
  if (podLabel === undefined && podAnnotation === 'false')
    return off('pod annotation sidecar.istio.io/inject=false (deprecated; use the label)');
  const on = (reason: string): Sidecar => ({
    meshed: true,
    reason,
    identity: `spiffe://${trustDomain}/ns/${pod.namespace}/sa/${pod.serviceAccountName}`,
  });
  if (nsLabel === 'enabled') return on('namespace label istio-injection=enabled');
  if (podLabel === 'true') return on('pod label sidecar.istio.io/inject=true');
  if (nsRev !== undefined) return on(`namespace label istio.io/rev=${nsRev}`);
  if (podRev !== undefined) return on(`pod label istio.io/rev=${podRev}`);
  return off(
    nsLabel === undefined
      ? 'no injection label on the namespace or pod'
      : `namespace label istio-injection=${nsLabel} is neither enabled nor disabled`,
  );
}
