/**
 * A pure Corefile reader: the `coredns` ConfigMap in kube-system (or the kubeadm default Corefile) turned into the
 * settings that change DNS answers. https://coredns.io/manual/configuration/
 */
import type { Diagnostic, SourceRef } from '../../model/diagnostic.ts';
import type { ClusterModel, OtherObject } from '../../model/types.ts';
import { parseServerBlocks } from './_tokenize.ts';
import { fqdn, serverConfig, type PluginProblem } from './_plugins.ts';
import { resolveImports, splitPath, type CorefileFiles } from './_import.ts';
import type { DnsServerConfig } from './types.ts';
import { defaultCorefile } from './_default.ts';
import { kubeDnsCorefile } from './_kube-dns.ts';
import { gkeMetadataServerIP, nodeLocalDns, type NodeLocalDns } from './_node-local.ts';
import { locateCorefile, type CorefileLocation } from './_located.ts';

export { defaultCorefile } from './_default.ts';

export type * from './types.ts';
export { fqdn } from './_plugins.ts';
export { orderOf } from './_unmodeled.ts';
export type { CorefileFiles } from './_import.ts';
export type { NodeLocalDns } from './_node-local.ts';
export { confFlag } from './_located.ts';

export interface CorefileResult {
  readonly config: DnsServerConfig;
  readonly diagnostics: Diagnostic[];
}

/** Parses a Corefile; problems are diagnostics placed at the ConfigMap with the Corefile line in the message. */
export function parseCorefile(
  text: string,
  options: {
    source?: SourceRef;
    object?: string;
    origin?: DnsServerConfig['origin'];
    /** The files the CoreDNS container sees, for `import` and `hosts FILE`. */
    files?: CorefileFiles;
    /** The ConfigMap key holding the Corefile (default `Corefile`). */
    key?: string;
  } = {},
): CorefileResult {
  const parsed = parseServerBlocks(text);
  const imported = resolveImports(parsed.blocks, parsed.imports, options.files);
  const diagnostics: Diagnostic[] = [];
  // The ConfigMap's position; the line inside the Corefile goes into the message.
  const where: Pick<Diagnostic, 'source' | 'object'> = {
    ...(options.source ? { source: { ...options.source, path: `data.${options.key ?? 'Corefile'}` } } : {}),
    ...(options.object ? { object: options.object } : {}),
  };
  // A line of an imported file is placed at the ConfigMap key it is mounted from.
  const at = (file: string | undefined): Pick<Diagnostic, 'source' | 'object'> => {
    const from = file === undefined ? undefined : options.files?.sources?.get(file);
    if (!from) return where;
    return {
      ...(from.source ? { source: { ...from.source, path: `data.${splitPath(file ?? '').base}` } } : {}),
      ...(from.object ? { object: from.object } : {}),
    };
  };
  for (const e of [...parsed.errors, ...imported.errors])
    diagnostics.push({
      code: 'corefile-syntax',
      severity: 'warning',
      message: `${e.file ?? 'Corefile'} line ${e.line}:${e.column}: ${e.message}`,
      ...at(e.file),
    });
  const problems: PluginProblem[] = [...imported.problems];
  const servers = imported.blocks.map((b) => serverConfig(b, problems, options.files));
  for (const p of problems)
    diagnostics.push({
      code: p.code,
      severity: p.code === 'corefile-invalid-option' ? 'warning' : 'info',
      message: `${p.at.file ?? 'Corefile'} line ${p.at.line}:${p.at.column}: ${p.message}`,
      ...at(p.at.file),
    });
  if (!servers.some((s) => s.kubernetes))
    diagnostics.push({
      code: 'corefile-no-kubernetes',
      severity: 'warning',
      message: 'the Corefile has no kubernetes plugin: cluster names are not answered by CoreDNS',
      ...where,
      hint: 'Add a kubernetes block for the cluster domain.',
    });
  return { config: { origin: options.origin ?? 'corefile', servers }, diagnostics };
}

/**
 * The files the CoreDNS container reads besides the Corefile, by the mounts kubeadm's and k3s's CoreDNS Deployments
 * make: every key of the `coredns` ConfigMap under /etc/coredns (k3s's `NodeHosts`), and every key of the optional
 * `coredns-custom` ConfigMap under /etc/coredns/custom (k3s and AKS), empty when the input has none.
 * https://github.com/k3s-io/k3s/blob/master/manifests/coredns.yaml · https://learn.microsoft.com/azure/aks/coredns-custom
 */
function corefileFiles(model: ClusterModel, coredns: OtherObject, dir = '/etc/coredns'): CorefileFiles {
  const files = new Map<string, string>();
  const sources = new Map<string, { source?: SourceRef; object?: string }>();
  const keys = (dir: string, cm: OtherObject | undefined) => {
    for (const [k, v] of Object.entries((cm?.body.data as Record<string, unknown> | undefined) ?? {}))
      if (typeof v === 'string') {
        files.set(`${dir}/${k}`, v);
        sources.set(`${dir}/${k}`, { ...(cm?.source ? { source: cm.source } : {}), object: cm?.key });
      }
  };
  keys(dir, coredns);
  const custom = model.others.find(
    (o) => o.kind === 'ConfigMap' && o.namespace === 'kube-system' && o.name === 'coredns-custom',
  );
  keys('/etc/coredns/custom', custom);
  const directories = new Map([
    [dir, `the ${coredns.name} ConfigMap`],
    [
      '/etc/coredns/custom',
      custom
        ? 'the coredns-custom ConfigMap'
        : 'no coredns-custom ConfigMap in the input: the optional volume k3s and AKS mount there is empty',
    ],
  ]);
  return { files, directories, sources, dir };
}

/**
 * The DNS server configuration of a cluster: the Corefile the CoreDNS pods behind the cluster DNS Service load
 * (their `-conf` file in a ConfigMap volume, see `_located.ts`: RKE2's rke2-coredns, OpenShift's dns-default), else
 * the `kube-system/coredns` ConfigMap's, else the kube-dns ConfigMap's stub domains and upstream nameservers (GKE),
 * else kubeadm's default.
 */
export function dnsServerConfig(model: ClusterModel): CorefileResult {
  const located = locateCorefile(model);
  if (located && 'missing' in located) return missingCorefile(model, located);
  const cm =
    located?.configMap ??
    model.others.find((o) => o.kind === 'ConfigMap' && o.namespace === 'kube-system' && o.name === 'coredns');
  const key = located?.key ?? 'Corefile';
  const data = cm?.body.data as Record<string, unknown> | undefined;
  const text = data?.[key];
  if (cm && typeof text === 'string') {
    const parsed = parseCorefile(text, {
      source: cm.source,
      object: cm.key,
      files: corefileFiles(model, cm, located?.dir),
      key,
    });
    const domain = fqdn(model.profile.clusterDomain);
    const zones = parsed.config.servers.flatMap((s) => s.kubernetes?.zones ?? []);
    // kubelet writes the profile's domain into every pod's search list; CoreDNS must serve that zone.
    if (zones.length && !zones.includes(domain))
      parsed.diagnostics.push({
        code: 'corefile-zone-mismatch',
        severity: 'warning',
        message: `the kubernetes plugin serves ${zones.join(', ')} but the cluster domain is ${domain}: pods' search lists name a zone CoreDNS does not answer`,
        ...(cm.source ? { source: { ...cm.source, path: `data.${key}` } } : {}),
        object: cm.key,
        hint: `Serve ${model.profile.clusterDomain} in the kubernetes block, or set clusterDomain in the profile.`,
      });
    return parsed;
  }
  const kubeDns = model.others.find(
    (o) => o.kind === 'ConfigMap' && o.namespace === 'kube-system' && o.name === 'kube-dns',
  );
  if (kubeDns) return kubeDnsConfig(kubeDns, model.profile.clusterDomain);
  const result = parseCorefile(defaultCorefile(model.profile.clusterDomain), { origin: 'default' });
  return { config: result.config, diagnostics: [] };
}

/**
 * The cluster's CoreDNS runs from a ConfigMap the input does not hold (a `kubectl get all` dump has no ConfigMaps).
 * Names of the cluster domain and the reverse zones are answered as kubeadm's default Corefile answers them, each
 * reply noting that this is assumed; every other name is unknown, since what the real Corefile does with it (hosts,
 * rewrite, stub domains, forward) is not in the input (`corefile-not-in-input`).
 */
function missingCorefile(
  model: ClusterModel,
  located: Extract<CorefileLocation, { missing: string }>,
): CorefileResult {
  const server =
    model.workloads.find((w) => w.key === located.server) ?? model.pods.find((p) => p.key === located.server);
  const domain = fqdn(model.profile.clusterDomain);
  const result = parseCorefile(defaultCorefile(model.profile.clusterDomain), { origin: 'default' });
  const assumed = `${located.missing}: kubeadm's default Corefile is assumed for the cluster zones`;
  const unknown = {
    plugin: 'corefile',
    line: 0,
    zones: ['.'],
    match: [],
    fallthrough: [],
    reason: `${located.missing}: the Corefile it runs is not in the input, so the reply is unknown`,
  };
  const servers = [
    ...result.config.servers.map((s) => ({ ...s, zones: [domain, 'in-addr.arpa.', 'ip6.arpa.'], assumed })),
    { zones: ['.'], port: 53, forwards: [], rewrites: [], notModeled: [], unmodeledAnswerers: [unknown] },
  ];
  return {
    config: { origin: 'default', servers },
    diagnostics: [
      {
        code: 'corefile-not-in-input',
        severity: 'warning',
        message: `${located.missing}: names outside the cluster zones are unknown, and cluster names are answered as kubeadm's default Corefile would`,
        ...(server?.source ? { source: server.source } : {}),
        object: located.server,
        hint: 'Add the ConfigMap holding the Corefile to the input (kubectl get cm -A -o yaml).',
      },
    ],
  };
}

/**
 * The configuration of kube-dns from its `kube-system/kube-dns` ConfigMap (GKE; see `_kube-dns.ts`), read only when
 * there is no `coredns` ConfigMap: CoreDNS does not read it. Problems are placed at the ConfigMap key.
 */
function kubeDnsConfig(cm: OtherObject, clusterDomain: string): CorefileResult {
  const data = (cm.body.data as Record<string, unknown> | undefined) ?? {};
  const t = kubeDnsCorefile(data, clusterDomain);
  const parsed = parseCorefile(t.corefile, { origin: 'kube-dns' });
  const at = (key: string) => ({
    ...(cm.source ? { source: { ...cm.source, path: `data.${key}` } } : {}),
    object: cm.key,
  });
  const diagnostics: Diagnostic[] = [
    // The generated Corefile's unmodeled plugins are kubeadm's defaults, not the user's: only real problems are kept.
    ...parsed.diagnostics
      .filter((d) => d.code !== 'corefile-plugin-not-modeled')
      .map((d) => ({ ...d, ...at('stubDomains') })),
    ...t.problems.map((p): Diagnostic => ({
      code: 'kube-dns-config-invalid',
      severity: 'warning',
      message: p.message,
      ...at(p.key),
    })),
    ...t.notModeled.map((p): Diagnostic => ({
      code: 'kube-dns-config-not-modeled',
      severity: 'info',
      message: p.message,
      ...at(p.key),
    })),
  ];
  const servers = parsed.config.servers.map((s) => ({
    ...s,
    unmodeledAnswerers: [...t.unknown, ...s.unmodeledAnswerers],
  }));
  return { config: { origin: 'kube-dns', servers }, diagnostics };
}

/**
 * NodeLocal DNSCache from the `kube-system/node-local-dns` ConfigMap (see `_node-local.ts`), or undefined when the
 * input has none. Its Corefile problems are diagnostics placed at that ConfigMap.
 */
export function nodeLocalDnsConfig(
  model: ClusterModel,
): { nodeLocal: NodeLocalDns; diagnostics: Diagnostic[] } | undefined {
  const cm = model.others.find(
    (o) => o.kind === 'ConfigMap' && o.namespace === 'kube-system' && o.name === 'node-local-dns',
  );
  const fromConfigMap = (cm?.body.data as Record<string, unknown> | undefined)?.Corefile;
  const ds = model.workloads.find(
    (w) => w.kind === 'DaemonSet' && w.namespace === 'kube-system' && w.name === 'node-local-dns',
  );
  // kubelet's clusterDNS on a link-local address is a node-local cache (NodeLocal DNSCache in IPVS mode).
  const linkLocal = /^169\.254\./.test(model.profile.dnsServiceIP) ? model.profile.dnsServiceIP : undefined;
  if (typeof fromConfigMap !== 'string' && !ds && !linkLocal) return undefined;
  const text =
    typeof fromConfigMap === 'string' ? fromConfigMap : nodeLocalWithoutConfig(model.profile.clusterDomain);
  const parsed = parseCorefile(text, cm ? { source: cm.source, object: cm.key } : {});
  const ipsOf = (name: string) =>
    model.services
      .filter((s) => s.namespace === 'kube-system' && s.name === name)
      .flatMap((s) => s.clusterIPs);
  const clusterIPs = ipsOf('kube-dns');
  const nodeLocal = nodeLocalDns(text, parsed.config, {
    clusterIPs: clusterIPs.length ? clusterIPs : [model.profile.dnsServiceIP],
    upstreamIPs: ipsOf('kube-dns-upstream'),
  });
  // node-local-dns serves zones, not the cluster: a Corefile without a kubernetes plugin is what it should be.
  const diagnostics = parsed.diagnostics.filter((d) => d.code !== 'corefile-no-kubernetes');
  if (typeof fromConfigMap !== 'string') {
    const cloudDns = !ds && linkLocal === gkeMetadataServerIP;
    const why = ds
      ? 'the node-local-dns DaemonSet is in the input but not its kube-system/node-local-dns ConfigMap: how it answers names outside the cluster zones is unknown'
      : cloudDns
        ? `the pods' nameserver ${linkLocal} is GKE's metadata server (Cloud DNS for GKE): it answers the cluster zones from the records Cloud DNS provisions, taken to be what cluster DNS answers, and other names from Cloud DNS, whose zones and response policies are not in the input: unknown`
        : `the pods' nameserver ${linkLocal} is a link-local node cache (NodeLocal DNSCache) whose configuration is not in the input: how it answers names outside the cluster zones is unknown`;
    diagnostics.length = 0;
    diagnostics.push({
      code: cloudDns ? 'cloud-dns-for-gke' : 'node-local-dns-config-missing',
      severity: 'info',
      message: why,
      ...(ds?.source ? { source: ds.source } : {}),
      ...(ds ? { object: ds.key } : {}),
      hint: cloudDns
        ? 'List the outside names pods use, with their addresses, in the profile externalHosts.'
        : 'Add the node-local-dns ConfigMap to the input.',
    });
    const unknown = {
      plugin: 'node-local-dns',
      line: 0,
      zones: ['.'],
      match: [],
      fallthrough: [],
      reason: why,
    };
    const servers = nodeLocal.config.servers.map((sv) =>
      sv.zones.includes('.') ? { ...sv, unmodeledAnswerers: [unknown] } : sv,
    );
    const addresses = [...new Set([...nodeLocal.addresses, ...(linkLocal ? [linkLocal] : [])])].sort();
    return {
      nodeLocal: {
        kind: cloudDns ? 'cloud-dns' : 'node-local-dns',
        addresses,
        config: { ...nodeLocal.config, servers },
      },
      diagnostics,
    };
  }
  return { nodeLocal, diagnostics };
}

/**
 * The shape of the upstream node-local-dns Corefile, for a DaemonSet whose ConfigMap the input lacks: the cluster
 * domain and reverse zones go to cluster DNS; the rest (its own upstream rules) is made unknown by the caller.
 */
function nodeLocalWithoutConfig(clusterDomain: string): string {
  const toCluster = (zone: string) => `${zone}:53 {\n    forward . __PILLAR__CLUSTER__DNS__\n}\n`;
  return [clusterDomain, 'in-addr.arpa', 'ip6.arpa'].map(toCluster).join('') + '.:53 {\n}\n';
}
