import type { Labels } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';
import type { AddressSegments } from './_ip-blocks.ts';

/**
 * Pods that no policy can tell apart: same namespace, same values of every label key some selector reads,
 * same resolution of every named port some policy uses, same ipBlock segment, same hostNetwork. Verdicts are
 * computed once per class and expanded to pods on demand.
 */
export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /** Labels of the first pod; only the keys selectors read are guaranteed shared by every member. */
  readonly labels: Labels;
  readonly hostNetwork: boolean;
  readonly pods: Pod[];
  /**
   * Per entry of the engine's `portNames`: the container port that name resolves to in this class (-1: not
   * declared; -2: declared more than once, ask the pods).
   */
  readonly namedPorts: Int32Array;
}

export interface ClassInputs {
  readonly labelKeys: ReadonlySet<string>;
  /** `name/protocol` of every named port the policies use. */
  readonly portNames: readonly { name: string; protocol: string }[];
  readonly segments: AddressSegments;
  /** Some selector reads the service account (Cilium's `io.cilium.k8s.policy.serviceaccount`): split by it. */
  readonly serviceAccounts?: boolean;
}

/** Groups pods into classes; pods without an IP get classes too (they are simply unreachable). */
export function buildClasses(
  pods: readonly Pod[],
  inputs: ClassInputs,
): { classes: PodClass[]; classOf: Map<Pod, PodClass> } {
  const keys = [...inputs.labelKeys].sort();
  const bySignature = new Map<string, PodClass>();
  const classes: PodClass[] = [];
  const classOf = new Map<Pod, PodClass>();
  // Replicas share their template's labels and ports objects: each part of the signature is computed once per
  // object, and interned as a short number.
  const labelPart = new Map<Labels, number>();
  const labelIds = new Map<string, number>();
  const portPart = new Map<Pod['ports'], { id: number; named: Int32Array }>();
  const portIds = new Map<string, number>();
  const intern = (ids: Map<string, number>, text: string) => {
    let id = ids.get(text);
    if (id === undefined) ids.set(text, (id = ids.size));
    return id;
  };
  // Class ids run namespace by namespace: sets of classes (most stay in one namespace) then touch one run of ids.
  const byNamespace = new Map<string, Pod[]>();
  for (const pod of pods)
    (byNamespace.get(pod.namespace) ?? byNamespace.set(pod.namespace, []).get(pod.namespace)!).push(pod);
  for (const ns of [...byNamespace.keys()].sort())
    for (const pod of byNamespace.get(ns)!) {
      let labels = labelPart.get(pod.labels);
      if (labels === undefined) {
        let sig = '';
        for (const k of keys) if (k in pod.labels) sig += `${k}=${pod.labels[k]}\u0001`;
        labelPart.set(pod.labels, (labels = intern(labelIds, sig)));
      }
      let ports = portPart.get(pod.ports);
      if (!ports) {
        // Per name: the container port it resolves to, -1 when undeclared, -2 when declared more than once.
        const named = new Int32Array(inputs.portNames.length).fill(-1);
        inputs.portNames.forEach((pn, i) => {
          for (const p of pod.ports)
            if (p.name === pn.name && p.protocol === pn.protocol)
              named[i] = named[i] === -1 ? p.containerPort : -2;
        });
        portPart.set(pod.ports, (ports = { id: intern(portIds, named.join(',')), named }));
      }
      let sig = `${ns}\u0000${pod.hostNetwork ? 'h' : 'p'}${labels},${ports.id}\u0000`;
      if (inputs.serviceAccounts) sig += pod.serviceAccountName;
      sig += '\u0000';
      for (const ip of pod.ips) sig += `${inputs.segments.segmentOf(ip)},`;
      let cls = bySignature.get(sig);
      if (!cls) {
        cls = {
          id: classes.length,
          namespace: pod.namespace,
          labels: pod.labels,
          hostNetwork: pod.hostNetwork,
          pods: [],
          namedPorts: ports.named,
        };
        classes.push(cls);
        bySignature.set(sig, cls);
      }
      cls.pods.push(pod);
      classOf.set(pod, cls);
    }
  return { classes, classOf };
}
