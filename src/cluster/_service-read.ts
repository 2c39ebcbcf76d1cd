import type { Service, ServicePort, ServiceType } from '../model/types.ts';
import { isDns1035Label, isDns1123Label, isIanaSvcName } from '../lib/label-validation.ts';
import { parseCidr } from '../lib/ip.ts';
import { namespacedMetaOf, type Envelope } from './_envelope.ts';
import type { IPFamily } from './_service-ips.ts';
import { awsLoadBalancerTargets, loadBalancerScheme } from './_load-balancer-scheme.ts';

const types: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

/** A Service as read from its manifest, before addresses and ports are allocated. */
export interface Draft {
  env: Envelope;
  ipFamilyPolicy?: string;
  requestedFamilies: IPFamily[];
  svc: Omit<Service, 'clusterIPs' | 'ports' | 'healthCheckNodePort' | 'ipFamilies'> & {
    ipFamilies: readonly IPFamily[];
  };
  explicitIPs: string[];
  ports: ServicePort[];
  wantsNodePorts: boolean;
  healthCheckNodePort?: number;
}

/**
 * Reads and validates one Service as the API server validates it: name, type, ports (names, numbers, protocols,
 * targetPort as number or IANA name), traffic policies, affinity, families. Undefined when it is refused.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/
 */
export function readService(env: Envelope): Draft | undefined {
  const f = env.f;
  // A cursor at spec: a path array per port, not per field read (design note 0006).
  const spec = f.cursor(['spec']);
  if (!isDns1035Label(env.name))
    f.report(
      'invalid-name',
      'error',
      ['metadata', 'name'],
      `Service name "${env.name}" must be a DNS-1035 label (lowercase alphanumerics and '-', starting with a letter, at most 63 characters)`,
      'Rename the Service.',
    );
  const type = (spec.str('type') ?? 'ClusterIP') as ServiceType;
  if (!types.includes(type))
    f.report(
      'invalid-field',
      'error',
      ['spec', 'type'],
      `spec.type "${type}" must be one of ${types.join(', ')}`,
    );
  if (spec.get('selector') === null && type !== 'ExternalName')
    f.report(
      'null-selector',
      'info',
      ['spec', 'selector'],
      'spec.selector is null: the Service has no selector, as if the key were absent, so Kubernetes manages no endpoints for it (EndpointSlices must be written by hand)',
      'Give the selector the labels of the pods to serve, or remove the key.',
    );
  const selectorMap = f.stringMap(['spec', 'selector']);
  const selector = Object.keys(selectorMap).length ? selectorMap : undefined;
  const clusterIPText = spec.str('clusterIP');
  const clusterIPList = spec.at('clusterIPs');
  const clusterIPsText = spec.list('clusterIPs').map((_, i) => clusterIPList.str(i) ?? '');
  const headless = clusterIPText === 'None' || clusterIPsText[0] === 'None';
  const explicitIPs =
    headless || type === 'ExternalName'
      ? []
      : clusterIPsText.length
        ? clusterIPsText
        : clusterIPText
          ? [clusterIPText]
          : [];
  const externalName = spec.str('externalName');
  if (type === 'ExternalName' && !externalName)
    f.report(
      'missing-field',
      'error',
      ['spec', 'externalName'],
      'spec.externalName is required for type ExternalName',
      'Add the DNS name this Service aliases.',
    );
  const wantsNodePorts =
    type === 'NodePort' || (type === 'LoadBalancer' && spec.bool('allocateLoadBalancerNodePorts') !== false);
  const ports: ServicePort[] = [];
  const rawPorts = spec.list('ports');
  const portList = spec.at('ports');
  if (!rawPorts.length && !headless && type !== 'ExternalName')
    f.report(
      'missing-field',
      'error',
      ['spec', 'ports'],
      'spec.ports: a Service needs at least one port (only headless and ExternalName Services may have none)',
      'Add a port.',
    );
  const seen = new Set<string>();
  const names = new Set<string>();
  rawPorts.forEach((_, i) => {
    const at = portList.at(i);
    const port = at.int('port');
    const protocol = at.protocol('protocol');
    // The API server requires a name only when there are several ports and checks it only when non-empty, so
    // `name: ""` on a single-port Service is no name (validateServicePort in pkg/apis/core/validation).
    const name = at.str('name') || undefined;
    const readTarget = at.intOrString('targetPort');
    const targetPort = readTarget ?? port;
    const nodePort = at.int('nodePort');
    // A value of the wrong type or out of range was reported by the read (src/model/field-types).
    if (port === undefined && at.get('port') !== undefined) return;
    if (port === undefined)
      return f.report(
        'invalid-port',
        'error',
        at.pathOf('port'),
        `spec.ports[${i}].port must be a number between 1 and 65535`,
      );
    if (!protocol) return;
    if (rawPorts.length > 1 && !name)
      f.report(
        'missing-field',
        'error',
        at.pathOf('name'),
        `spec.ports[${i}].name is required when a Service has more than one port`,
        'Name every port.',
      );
    if (name !== undefined && !isDns1123Label(name))
      f.report('invalid-port-name', 'error', at.pathOf('name'), `port name "${name}" must be a DNS label`);
    if (name !== undefined && names.has(name))
      f.report('invalid-port-name', 'error', at.pathOf('name'), `port name "${name}" is used twice`);
    if (name !== undefined) names.add(name);
    if (seen.has(`${port}/${protocol}`))
      f.report('duplicate-port', 'error', at.pathOf('port'), `port ${port}/${protocol} is defined twice`);
    seen.add(`${port}/${protocol}`);
    // A targetPort of the wrong type or out of range was reported by the read (src/model/field-types).
    if (readTarget === undefined && at.get('targetPort') != null) return;
    if (typeof targetPort === 'string' && !isIanaSvcName(targetPort))
      return f.report(
        'invalid-target-port',
        'error',
        at.pathOf('targetPort'),
        /^\d+$/.test(targetPort)
          ? `targetPort "${targetPort}" is a quoted number: Kubernetes reads a string targetPort as a port name, and a name needs a letter`
          : `targetPort "${targetPort}" is not a valid port name (IANA_SVC_NAME)`,
        /^\d+$/.test(targetPort)
          ? `Write targetPort: ${targetPort} without quotes.`
          : 'Use a container port name or a number.',
      );
    if (nodePort !== undefined && !wantsNodePorts)
      f.report(
        'invalid-field',
        'error',
        at.pathOf('nodePort'),
        `nodePort is only valid for NodePort and LoadBalancer Services`,
      );
    ports.push({
      name,
      protocol,
      port,
      targetPort: targetPort as number | string,
      ...(nodePort !== undefined ? { nodePort } : {}),
      appProtocol: at.str('appProtocol'),
    });
  });
  // Externally accessible as the API server judges it (pkg/api/service/util.go ExternallyAccessible): NodePort,
  // LoadBalancer, or ClusterIP with externalIPs — only those may set externalTrafficPolicy, and kube-proxy honours it.
  const external =
    type === 'NodePort' ||
    type === 'LoadBalancer' ||
    (type === 'ClusterIP' && spec.list('externalIPs').length > 0);
  const etp = spec.str('externalTrafficPolicy');
  if (etp && !['Cluster', 'Local'].includes(etp))
    f.report(
      'invalid-field',
      'error',
      ['spec', 'externalTrafficPolicy'],
      `externalTrafficPolicy "${etp}" must be Cluster or Local`,
    );
  if (etp && !external)
    f.report(
      'invalid-field',
      'error',
      ['spec', 'externalTrafficPolicy'],
      `externalTrafficPolicy may only be set on externally-accessible Services (NodePort, LoadBalancer, or ClusterIP with externalIPs)`,
      'Remove it, or change the type.',
    );
  const itp = spec.str('internalTrafficPolicy') ?? 'Cluster';
  if (!['Cluster', 'Local'].includes(itp))
    f.report(
      'invalid-field',
      'error',
      ['spec', 'internalTrafficPolicy'],
      `internalTrafficPolicy "${itp}" must be Cluster or Local`,
    );
  // The API server accepts only these (validation.go supportedTrafficDistribution, PreferSame* GA in 1.35): a typo
  // is refused there, not ignored.
  const td = spec.str('trafficDistribution');
  if (td !== undefined && !['PreferClose', 'PreferSameZone', 'PreferSameNode'].includes(td))
    f.report(
      'invalid-field',
      'error',
      ['spec', 'trafficDistribution'],
      `trafficDistribution "${td}" must be PreferClose, PreferSameZone or PreferSameNode`,
      'Use one of those values (PreferSameZone is the new name of PreferClose), or remove the field.',
    );
  const affinity = spec.str('sessionAffinity') ?? 'None';
  if (!['None', 'ClientIP'].includes(affinity))
    f.report(
      'invalid-field',
      'error',
      ['spec', 'sessionAffinity'],
      `sessionAffinity "${affinity}" must be None or ClientIP`,
    );
  const timeout = f.int(['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds']);
  if (timeout !== undefined && (timeout < 1 || timeout > 86400))
    f.report(
      'invalid-field',
      'error',
      ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'],
      'timeoutSeconds must be between 1 and 86400',
    );
  const lbIngress: string[] = [];
  const lbProxied: string[] = [];
  f.list(['status', 'loadBalancer', 'ingress']).forEach((_, i) => {
    const ip = f.str(['status', 'loadBalancer', 'ingress', i, 'ip']);
    const v = ip ?? f.str(['status', 'loadBalancer', 'ingress', i, 'hostname']);
    if (v) lbIngress.push(v);
    if (ip && f.str(['status', 'loadBalancer', 'ingress', i, 'ipMode']) === 'Proxy') lbProxied.push(ip);
  });
  if (type === 'LoadBalancer' && !lbIngress.length) {
    const fromSpec = spec.str('loadBalancerIP');
    if (fromSpec) lbIngress.push(fromSpec);
  }
  const externalIPs = spec.list('externalIPs').map((_, i) => f.str(['spec', 'externalIPs', i]) ?? '');
  // The API server keeps each entry as written and validates it as a CIDR (surrounding spaces trimmed).
  const sourceRanges = spec.list('loadBalancerSourceRanges').map((_, i) => {
    const text = (f.str(['spec', 'loadBalancerSourceRanges', i]) ?? '').trim();
    if (!parseCidr(text))
      f.report(
        'invalid-field',
        'error',
        ['spec', 'loadBalancerSourceRanges', i],
        `loadBalancerSourceRanges[${i}] "${text}" must be a CIDR (e.g. 203.0.113.0/24)`,
      );
    return text;
  });
  // The cloud controllers' fallback when the spec field is empty (GetLoadBalancerSourceRanges); kube-proxy ignores it.
  const rangesKey = 'service.beta.kubernetes.io/load-balancer-source-ranges';
  const rangesText = sourceRanges.length ? undefined : env.annotations[rangesKey]?.trim();
  const annotatedRanges = rangesText
    ? rangesText.split(',').map((text, i) => {
        if (!parseCidr(text.trim()))
          f.report(
            'invalid-field',
            'error',
            ['metadata', 'annotations', rangesKey],
            `${rangesKey} entry ${i} "${text.trim()}" must be a CIDR (a comma-separated list, e.g. 203.0.113.0/24,198.51.100.0/24): the cloud controller refuses the Service and builds no load balancer`,
          );
        return text.trim();
      })
    : [];
  const lbClass = spec.str('loadBalancerClass');
  const scheme = type === 'LoadBalancer' ? loadBalancerScheme(env.annotations, lbClass) : undefined;
  const targets = type === 'LoadBalancer' ? awsLoadBalancerTargets(env.annotations, lbClass) : undefined;
  const families: IPFamily[] = [];
  spec.list('ipFamilies').forEach((_, i) => {
    const fam = f.str(['spec', 'ipFamilies', i]);
    if (fam === 'IPv4' || fam === 'IPv6') families.push(fam);
    else
      f.report(
        'invalid-field',
        'error',
        ['spec', 'ipFamilies', i],
        `ipFamilies[${i}] "${fam}" must be IPv4 or IPv6`,
      );
  });
  if (f.invalid) return undefined;
  return {
    env,
    ipFamilyPolicy: spec.str('ipFamilyPolicy'),
    requestedFamilies: families,
    explicitIPs,
    ports,
    wantsNodePorts,
    healthCheckNodePort: spec.int('healthCheckNodePort'),
    svc: {
      ...namespacedMetaOf(env),
      type,
      selector: type === 'ExternalName' ? undefined : selector,
      headless,
      externalName,
      externalIPs,
      loadBalancerIngress: lbIngress,
      ...(lbProxied.length ? { loadBalancerProxied: lbProxied } : {}),
      ...(sourceRanges.length ? { loadBalancerSourceRanges: sourceRanges } : {}),
      ...(annotatedRanges.length ? { loadBalancerSourceRangesAnnotation: annotatedRanges } : {}),
      ...(scheme ? { loadBalancerScheme: scheme } : {}),
      ...(targets ? { loadBalancerTargets: targets } : {}),
      externalTrafficPolicy: external && etp === 'Local' ? 'Local' : 'Cluster',
      internalTrafficPolicy: itp === 'Local' ? 'Local' : 'Cluster',
      sessionAffinity: affinity === 'ClientIP' ? 'ClientIP' : 'None',
      ...(affinity === 'ClientIP' ? { sessionAffinityTimeoutSeconds: timeout ?? 10800 } : {}),
      publishNotReadyAddresses: spec.bool('publishNotReadyAddresses') ?? false,
      trafficDistribution: spec.str('trafficDistribution'),
      ipFamilies: [],
    },
  };
}
