import type { Profile } from '../../model/profile.ts';
import { parseCidr } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import { asList, at, isKind, isObserved, nameOf, namespaceOf, type Inferred } from './_observed.ts';

/** The profile values the control plane's own command lines state. */
export interface ControlPlaneFlags {
  readonly podCIDR?: Inferred<string>;
  readonly serviceCIDR?: Inferred<string>;
  readonly nodeCIDRMaskSize?: Inferred<number>;
  readonly nodeCIDRMaskSizeIPv6?: Inferred<number>;
  readonly nodePortRange?: Inferred<Profile['nodePortRange']>;
}

interface Flag {
  readonly value: string;
  readonly pod: RawObject;
  readonly path: (string | number)[];
}

/**
 * Values kube-apiserver and kube-controller-manager are started with, read from their pods as a dump of a kubeadm
 * cluster holds them (kubeadm, minikube and kind run the control plane as static pods whose mirror pods are in
 * kube-system, labelled `component: kube-apiserver` / `kube-controller-manager`, flags in `command`). These are the
 * ranges themselves, not a guess from a sample: kube-apiserver `--service-cluster-ip-range` and
 * `--service-node-port-range`, kube-controller-manager `--cluster-cidr` and `--node-cidr-mask-size(-ipv4|-ipv6)`.
 * A managed control plane (EKS, GKE, AKS) or k3s runs no such pods: nothing is read.
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/
 * https://kubernetes.io/docs/reference/setup-tools/kubeadm/implementation-details/#generate-static-pod-manifest-for-control-plane-components
 */
export function inferControlPlaneFlags(objects: readonly RawObject[]): ControlPlaneFlags {
  const apiserver = flagsOf(objects, 'kube-apiserver');
  const controller = flagsOf(objects, 'kube-controller-manager');
  const out: { -readonly [K in keyof ControlPlaneFlags]: ControlPlaneFlags[K] } = {};
  const cidrs = (f: Flag | undefined) => {
    const list = f?.value.split(',').map((c) => c.trim());
    return list && list.length <= 2 && list.every((c) => parseCidr(c)) ? list.join(',') : undefined;
  };
  const stated = <T>(value: T, f: Flag, name: string): Inferred<T> => ({
    value,
    sources: [f.pod.locate(f.path)],
    rule: `${name} of Pod kube-system/${nameOf(f.pod)}`,
    exact: true,
  });
  const service = apiserver.get('service-cluster-ip-range') ?? controller.get('service-cluster-ip-range');
  const serviceCIDR = cidrs(service);
  if (service && serviceCIDR) out.serviceCIDR = stated(serviceCIDR, service, '--service-cluster-ip-range');
  const cluster = controller.get('cluster-cidr');
  const podCIDR = cidrs(cluster);
  if (cluster && podCIDR) out.podCIDR = stated(podCIDR, cluster, '--cluster-cidr');
  const mask = (names: string[], max: number) => {
    const f = names.map((n) => controller.get(n)).find((x) => x);
    const n = f && /^\d+$/.test(f.value) ? Number(f.value) : NaN;
    return f && n > 0 && n <= max
      ? stated(n, f, `--${names.find((x) => controller.get(x) === f)}`)
      : undefined;
  };
  const v4 = mask(['node-cidr-mask-size-ipv4', 'node-cidr-mask-size'], 32);
  if (v4) out.nodeCIDRMaskSize = v4;
  const v6 = mask(['node-cidr-mask-size-ipv6'], 128);
  if (v6) out.nodeCIDRMaskSizeIPv6 = v6;
  const ports = apiserver.get('service-node-port-range');
  const range = ports ? portRange(ports.value) : undefined;
  if (ports && range) out.nodePortRange = stated(range, ports, '--service-node-port-range');
  return out;
}

/**
 * The `--name=value` (or `--name value`) flags of the first observed kube-system Pod running `binary`, by name.
 * The pod is found by kubeadm's `component` label or by the binary its first container runs.
 */
function flagsOf(objects: readonly RawObject[], binary: string): Map<string, Flag> {
  const flags = new Map<string, Flag>();
  const pod = objects.find(
    (o) =>
      isKind(o, 'Pod', '') &&
      namespaceOf(o) === 'kube-system' &&
      isObserved(o) &&
      (at(o.body, 'metadata', 'labels', 'component') === binary || runs(o, binary) >= 0),
  );
  if (!pod) return flags;
  const c = Math.max(runs(pod, binary), 0);
  for (const field of ['command', 'args'] as const) {
    const words = asList(at(pod.body, 'spec', 'containers', c, field));
    words.forEach((w, i) => {
      if (typeof w !== 'string' || !w.startsWith('--')) return;
      const eq = w.indexOf('=');
      const next = words[i + 1];
      const [name, value] =
        eq > 0
          ? [w.slice(2, eq), w.slice(eq + 1)]
          : [w.slice(2), typeof next === 'string' && !next.startsWith('-') ? next : undefined];
      if (value !== undefined && !flags.has(name))
        flags.set(name, { value, pod, path: ['spec', 'containers', c, field, i] });
    });
  }
  return flags;
}

/** The index of the container whose command starts with `binary` (a path ending in it), or -1. */
function runs(pod: RawObject, binary: string): number {
  return asList(at(pod.body, 'spec', 'containers')).findIndex((c) => {
    const first = asList(at(c, 'command'))[0];
    return typeof first === 'string' && (first === binary || first.endsWith(`/${binary}`));
  });
}

/** kube-apiserver's port range: `30000-32767`, or `30000+2767` (a base and a size). */
function portRange(text: string): Profile['nodePortRange'] | undefined {
  const m = /^(\d+)([-+])(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === '-' ? Number(m[3]) : min + Number(m[3]);
  return min > 0 && max <= 65535 && min <= max ? { min, max } : undefined;
}
