import type {
  Pod,
  ClusterModel,
  ContainerSetting,
  ContainerWords,
  Service,
  WorkloadSettings,
} from '../../model/types.ts';
import { wordName, wordSource } from '../../model/container-words.ts';
import { lookup } from '../../model/lookup.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import { confFlag } from '../corefile/index.ts';
import { findAddresses, schemePorts, type Address } from './_addresses.ts';
import type { Call } from './_calls.ts';
import type { Confidence, Evidence } from './types.ts';

/** Setting names that hold an address, so a bare name in them is read as one (`CART_HOST`, `--redis-addr`). */
const addressName = /host|addr|url|uri|server|service|endpoint|broker|dsn|upstream|backend|target|peer/i;

/** A value to read, the name it is filed under and the evidence that points at it. */
interface Text {
  readonly name: string;
  readonly value: string;
  /** Built when an address in `value` is taken (a million args are read; a few are cited). */
  readonly evidence: () => Evidence[];
  /** Config file contents (a mounted ConfigMap): only addresses with a port, scheme or namespace count. */
  readonly file?: boolean;
  /** A sibling `*_PORT` value for a `*_HOST` setting. */
  readonly pairedPort?: { readonly port: number; readonly evidence: Evidence };
}

/** `host` without the cluster's Service domain (`.svc.<clusterDomain>`, or `.svc` alone); as written when it has none. */
function withoutServiceDomain(model: ClusterModel, host: string): string {
  const domain = `.svc.${model.profile.clusterDomain}`;
  return host.endsWith(domain) ? host.slice(0, -domain.length) : host.replace(/\.svc$/, '');
}

/**
 * The Service an address names, read as the pod's resolver would: `name` in the pod's namespace, `name.ns`,
 * `name.ns.svc`, `name.ns.svc.<clusterDomain>`, or `host.name.ns…` (a pod behind a headless Service).
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#namespaces-of-services
 */
export function serviceNamed(model: ClusterModel, host: string, ns: string): Service | undefined {
  const l = lookup(model);
  const labels = withoutServiceDomain(model, host).split('.');
  if (labels.length === 1) return l.serviceByRef(`${ns}/${labels[0]}`);
  if (labels.length === 2)
    return l.serviceByRef(`${labels[1]}/${labels[0]}`) ?? l.serviceByRef(`${ns}/${labels[1]}`);
  if (labels.length === 3) {
    const s = l.serviceByRef(`${labels[2]}/${labels[1]}`);
    return s?.headless ? s : undefined;
  }
  return undefined;
}

function portsFor(
  s: Service,
  a: Address,
  text: Text,
): { port: number; confidence: Confidence; note?: Evidence }[] {
  if (a.port) return [{ port: a.port, confidence: 'high' }];
  if (text.pairedPort)
    return [{ port: text.pairedPort.port, confidence: 'high', note: text.pairedPort.evidence }];
  const byScheme = a.scheme ? schemePorts[a.scheme] : undefined;
  if (byScheme) return [{ port: byScheme, confidence: 'high' }];
  // A bare name: the client uses a port it knows; every port the Service exposes is a candidate.
  return s.ports.map((p) => ({ port: p.port, confidence: s.ports.length === 1 ? 'medium' : 'low' }));
}

/**
 * The texts of one workload's settings: env values, ConfigMap keys they read, args, mounted config files. Yielded
 * one at a time, so a container with a million args never holds a million texts.
 */
function* textsOf(model: ClusterModel, w: WorkloadSettings): Generator<Text> {
  const maps = new Map((model.configMaps ?? []).map((c) => [`${c.namespace}/${c.name}`, c]));
  const ev = (s: ContainerSetting, what: string): Evidence => ({
    text: `${w.owner} ${what}`,
    source: s.source,
  });
  const envValues = new Map<string, { value: string; source?: ContainerSetting['source'] }>();
  for (const s of w.settings)
    if (s.kind === 'env' && s.value !== undefined)
      envValues.set(`${s.container}/${s.name}`, { value: s.value, source: s.source });
  // CoreDNS's mounted files (its -conf Corefile, k3s's NodeHosts, coredns-custom) are DNS data: zone names,
  // rewrite targets and hosts entries it answers with, not addresses it connects to (https://coredns.io/manual/toc/).
  const runsCoreDns = w.words.some((l) => confFlag(l.values) !== undefined);
  for (const s of w.settings) {
    if (runsCoreDns && s.kind === 'volume') continue;
    const cm = s.configMap && maps.get(`${w.namespace}/${s.configMap.name}`);
    if (s.kind === 'env' && s.value !== undefined) {
      const stem = /^(.*)_HOST(NAME)?$/.exec(s.name)?.[1];
      const sibling = stem ? envValues.get(`${s.container}/${stem}_PORT`) : undefined;
      const port = sibling && /^\d{1,5}$/.test(sibling.value) ? Number(sibling.value) : undefined;
      const value = s.value;
      yield {
        name: s.name,
        value,
        evidence: () => [ev(s, `env ${s.name}=${value}`)],
        ...(port && sibling
          ? {
              pairedPort: {
                port,
                evidence: { text: `${w.owner} env ${stem}_PORT=${port}`, source: sibling.source },
              },
            }
          : {}),
      };
    } else if (s.kind === 'env' && s.configMap?.key && cm) {
      const entry = cm.entries.find((e) => e.key === s.configMap!.key);
      if (entry)
        yield {
          name: s.name,
          value: entry.value,
          evidence: () => [
            ev(s, `env ${s.name} from ConfigMap ${cm.name} key ${entry.key}`),
            { text: `${cm.key} data.${entry.key}=${entry.value.slice(0, 80)}`, source: entry.source },
          ],
        };
    } else if ((s.kind === 'env-from' || s.kind === 'volume') && cm) {
      for (const entry of cm.entries)
        yield {
          name: entry.key,
          value: entry.value,
          file: s.kind === 'volume' || entry.value.includes('\n'),
          evidence: () => [
            ev(s, s.kind === 'volume' ? `mounts ConfigMap ${cm.name}` : `env from ConfigMap ${cm.name}`),
            { text: `${cm.key} data.${entry.key}`, source: entry.source },
          ],
        };
    }
  }
  // A container's command words, then its args, as one sequence: a flag names the word after it, across the two.
  for (const lists of wordsByContainer(w.words).values()) {
    let prev: string | undefined;
    for (const words of lists)
      for (let i = 0; i < words.values.length; i++) {
        const value = words.values[i];
        if (value === undefined) continue;
        const before = prev;
        prev = value;
        // A word with no `:` or `.`, filed under its own place (`args[7]`: not an address name) as neither a flag
        // nor a flag's value, can hold no address: skipped before its name and text are made (a million such words).
        if (!/[:.]/.test(value) && value[0] !== '-' && before?.[0] !== '-') continue;
        const flag = /^-{1,2}([\w.-]+)=(.*)$/s.exec(value);
        const place = wordName(words, i);
        const name = flag
          ? flag[1]
          : before && /^-{1,2}[\w.-]+$/.test(before) && !value.startsWith('-')
            ? before
            : place;
        if (identifierFlags.has(name.replace(/^-+/, ''))) continue;
        yield {
          name,
          value: flag ? flag[2] : value,
          file: value.includes('\n'),
          evidence: () => [
            {
              text: `${w.owner} ${place} ${value.length > 80 ? `${value.slice(0, 77)}...` : value}`,
              source: wordSource(words, i),
            },
          ],
        };
      }
  }
}

/**
 * Pods read back as Succeeded or Failed have run to completion (a finished Job's pods, an evicted pod): their
 * containers no longer run, so what their settings name is no call the cluster makes now
 * (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase). A workload without pods keeps its
 * calls: they are what its pods will make.
 */
const allFinished = (pods: readonly Pod[]): boolean =>
  pods.length > 0 && pods.every((p) => p.phase === 'Succeeded' || p.phase === 'Failed');

/**
 * Flags whose URL is a name, not an address the program connects to: kube-apiserver's
 * `--service-account-issuer` is "Identifier of the service account token issuer", asserted in the `iss` claim of
 * the tokens it issues (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/), e.g.
 * `https://kubernetes.default.svc.cluster.local` on kubeadm and minikube.
 */
const identifierFlags: ReadonlySet<string> = new Set(['service-account-issuer']);

/** A workload's word lists by container, in document order. */
function wordsByContainer(lists: readonly ContainerWords[]): Map<string, ContainerWords[]> {
  const by = new Map<string, ContainerWords[]>();
  for (const l of lists) by.set(l.container, [...(by.get(l.container) ?? []), l]);
  return by;
}

/**
 * Calls named in container configuration: env values (and the ConfigMap keys they read), `envFrom` ConfigMaps,
 * `command`/`args`, and mounted ConfigMaps, each address that names a Service of the cluster. An address with a
 * port, a scheme or a namespace is taken as a call (`high`); a bare name only in a setting whose name says it holds
 * an address (`medium`, or `low` when the Service has several ports and none is named). A workload's own Service is
 * never its call. Names that match no Service are returned as `unresolved`.
 */
export function callsFromConfig(model: ClusterModel): { calls: Call[]; unresolved: Evidence[] } {
  const calls: Call[] = [];
  const unresolved: Evidence[] = [];
  const l = lookup(model);
  const owners = new Set((model.settings ?? []).map((w) => w.owner));
  for (const w of model.settings ?? []) {
    const pod = w.owner.startsWith('Pod/') ? l.podByKey(w.owner) : l.podsOfWorkload(w.owner)[0];
    if (pod?.owner && pod.key === w.owner && owners.has(pod.owner)) continue; // its workload speaks for it
    if (allFinished(w.owner.startsWith('Pod/') ? (pod ? [pod] : []) : l.podsOfWorkload(w.owner))) continue;
    const name = w.owner.split('/').pop()!;
    for (const text of textsOf(model, w)) {
      // Only a `:` or `.` can make an address qualified; without one, only a setting named for an address counts.
      if (!/[:.]/.test(text.value) && (text.file || !addressName.test(text.name))) continue;
      let cited: Evidence[] | undefined;
      const evidence = () => (cited ??= text.evidence());
      for (const a of findAddresses(text.value)) {
        const qualified = a.port !== undefined || a.scheme !== undefined || a.host.includes('.');
        if (!qualified && (text.file || !addressName.test(text.name))) continue;
        const s = serviceNamed(model, a.host, w.namespace);
        if (!s) {
          // A name in the cluster's Service domain (`zipkin.jaeger.svc.cluster.local`) is meant for a Service even
          // without a port: one the input does not have is said, like an address with a port.
          const inClusterDomain = withoutServiceDomain(model, a.host) !== a.host;
          if (a.port !== undefined || a.scheme !== undefined || inClusterDomain)
            unresolved.push({
              text: `${a.text} (${evidence()[0].text})`,
              source: evidence()[0].source,
            });
          continue;
        }
        if (text.file && a.port === undefined && a.scheme === undefined && !a.host.includes('.')) continue;
        if (
          pod &&
          s.namespace === pod.namespace &&
          s.selector &&
          matches(selectorFromMap(s.selector), pod.labels)
        )
          continue;
        for (const p of portsFor(s, a, text)) {
          const sp = s.ports.find((x) => x.port === p.port);
          const protocol = sp?.protocol ?? 'TCP';
          const scheme =
            a.scheme === 'http' || a.scheme === 'https' ? a.scheme : protocol === 'UDP' ? 'udp' : 'tcp';
          calls.push({
            from: { kind: 'ref', namespace: w.namespace, name },
            owner: w.owner,
            to: { kind: 'url', scheme, host: a.host, port: p.port, path: '/', protocol },
            evidence: [...evidence(), ...(p.note ? [p.note] : [])],
            confidence: p.confidence,
            via: 'config',
          });
        }
      }
    }
  }
  return { calls, unresolved };
}
