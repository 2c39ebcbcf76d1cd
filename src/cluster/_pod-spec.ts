import { isIanaSvcName } from '../lib/label-validation.ts';
import { canonicalIP } from '../lib/ip.ts';
import type { ContainerPort, Pod } from '../model/types.ts';
import type { PathSegment } from '../parse/index.ts';
import type { FieldReader } from './_fields.ts';
import type { FieldCursor } from './_field-cursor.ts';
import { sized } from '../lib/sized.ts';
import { reportUnknownField } from './_unknown-fields.ts';
import { sharedPorts } from './_shared-ports.ts';

/** What a pod template (or a Pod) says about networking, before scheduling and IPAM. */
export interface PodTemplate {
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly containers: string[];
  /** One list per content (`sharedPorts`): never written. */
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly nodeSelector: Record<string, string>;
  readonly nodeName?: string;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly dnsPolicy: Pod['dnsPolicy'];
  readonly dnsConfig?: Pod['dnsConfig'];
  readonly hostAliases?: Pod['hostAliases'];
  readonly serviceAccountName: string;
  /** `spec.priorityClassName` and `spec.priority`: which pods the scheduler places first when nodes are full. */
  readonly priorityClassName?: string;
  readonly priority?: number;
}

const dnsPolicies: readonly Pod['dnsPolicy'][] = [
  'ClusterFirst',
  'ClusterFirstWithHostNet',
  'Default',
  'None',
];

/** The fields of a container port (API reference, core/v1 ContainerPort). */
const portFields = ['containerPort', 'hostIP', 'hostPort', 'name', 'protocol'];

/**
 * A container port with a field the API does not define is refused by kubectl apply (strict field validation,
 * https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation), and without validation the API
 * server drops the field: a misspelt `protocl: UDP` is a TCP port and a misspelt `nmae` leaves the port unnamed, so
 * reach, named targetPorts and named policy ports would answer for a port the user did not write. An error at the
 * field, with the nearest known name; the workload is left out as the API server would refuse it.
 */
function knownPortFields(f: FieldReader, p: FieldCursor, item: unknown): boolean {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return true;
  let known = true;
  for (const key of Object.keys(item)) {
    if (portFields.includes(key)) continue;
    known = false;
    reportUnknownField(f, p.pathOf(key), key, portFields, `unknown field "${key}" in a container port`);
  }
  return known;
}

/**
 * Reads a PodSpec at `spec` and its metadata at `meta`. Container ports come from `containers` and from
 * sidecar `initContainers` (restartPolicy: Always), which keep running beside the app.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports
 */
export function readPodTemplate(
  f: FieldReader,
  meta: readonly PathSegment[],
  spec: readonly PathSegment[],
): PodTemplate {
  const ports: ContainerPort[] = [];
  const containerNames: string[] = [];
  // Cursors below the spec: a path array per container and port, not per field read (design note 0006).
  const s = f.cursor(spec);
  const containerList = s.at('containers');
  const initList = s.at('initContainers');
  const containers: [FieldCursor, boolean][] = [
    ...s.list('containers').map((_, i) => [containerList.at(i), true] as [FieldCursor, boolean]),
    ...s.list('initContainers').map((_, i) => [initList.at(i), false] as [FieldCursor, boolean]),
  ];
  if (s.list('containers').length === 0)
    f.report(
      'missing-field',
      'error',
      [...spec, 'containers'],
      `${spec.join('.')}.containers: a pod needs at least one container`,
      'Add a container.',
    );
  for (const [c, regular] of containers) {
    checkWordTypes(c);
    if (!regular && c.str('restartPolicy') !== 'Always') continue;
    const container = c.str('name') ?? '';
    containerNames.push(container);
    const names = new Set<string>();
    const portList = c.at('ports');
    c.list('ports').forEach((item, j) => {
      const p = portList.at(j);
      if (!knownPortFields(f, p, item)) return;
      const containerPort = p.int('containerPort');
      const name = p.str('name');
      const protocol = p.protocol('protocol');
      const hostPort = p.int('hostPort');
      const hostIP = hostPort ? p.str('hostIP') : undefined;
      if (containerPort === undefined) {
        // A value of the wrong type or out of range was reported by the read (src/model/field-types).
        if (p.get('containerPort') === undefined)
          f.report(
            'invalid-port',
            'error',
            p.pathOf('containerPort'),
            `containerPort must be a number between 1 and 65535`,
            'Fix the port.',
          );
        return;
      }
      if (!protocol) return;
      if (name !== undefined) {
        if (!isIanaSvcName(name))
          return f.report(
            'invalid-port-name',
            'error',
            p.pathOf('name'),
            `port name "${name}" must be 1-15 lowercase alphanumerics or '-', with at least one letter (IANA_SVC_NAME)`,
            'Rename the port.',
          );
        if (names.has(name))
          return f.report(
            'invalid-port-name',
            'error',
            p.pathOf('name'),
            `port name "${name}" is used twice in container ${container}`,
          );
        names.add(name);
      }
      ports.push({
        container,
        name,
        containerPort,
        protocol,
        ...(hostPort ? { hostPort } : {}),
        ...(hostIP ? { hostIP } : {}),
      });
    });
  }
  const hostNetwork = s.bool('hostNetwork') ?? false;
  let dnsPolicy = (s.str('dnsPolicy') ?? 'ClusterFirst') as Pod['dnsPolicy'];
  if (!dnsPolicies.includes(dnsPolicy)) {
    f.report(
      'invalid-field',
      'error',
      [...spec, 'dnsPolicy'],
      `dnsPolicy "${dnsPolicy}" must be one of ${dnsPolicies.join(', ')}`,
    );
    dnsPolicy = 'ClusterFirst';
  }
  const dnsConfigRaw = s.map('dnsConfig');
  const dnsConfig = dnsConfigRaw
    ? {
        nameservers: f
          .list([...spec, 'dnsConfig', 'nameservers'])
          .map((_, i) => f.str([...spec, 'dnsConfig', 'nameservers', i]) ?? ''),
        searches: f
          .list([...spec, 'dnsConfig', 'searches'])
          .map((_, i) => f.str([...spec, 'dnsConfig', 'searches', i]) ?? ''),
        options: f.list([...spec, 'dnsConfig', 'options']).map((_, i) => {
          const value = f.str([...spec, 'dnsConfig', 'options', i, 'value']);
          return {
            name: f.str([...spec, 'dnsConfig', 'options', i, 'name']) ?? '',
            ...(value !== undefined ? { value } : {}),
          };
        }),
      }
    : undefined;
  if (dnsConfig)
    for (const ns of dnsConfig.nameservers)
      if (!canonicalIP(ns))
        f.report(
          'invalid-ip',
          'error',
          [...spec, 'dnsConfig', 'nameservers'],
          `dnsConfig nameserver "${ns}" is not an IP address`,
        );
  if (dnsPolicy === 'None' && !dnsConfig?.nameservers.length)
    f.report(
      'invalid-field',
      'error',
      [...spec, 'dnsPolicy'],
      'dnsPolicy None needs dnsConfig.nameservers',
      'Add dnsConfig.nameservers or choose another dnsPolicy.',
    );
  return {
    labels: f.stringMap([...meta, 'labels']),
    annotations: f.stringMap([...meta, 'annotations']),
    containers: sized(containerNames),
    ports: sharedPorts(ports),
    hostNetwork,
    nodeSelector: f.stringMap([...spec, 'nodeSelector']),
    nodeName: s.str('nodeName'),
    hostname: s.str('hostname'),
    subdomain: s.str('subdomain'),
    dnsPolicy,
    dnsConfig,
    ...hostAliases(s),
    serviceAccountName: s.str('serviceAccountName') ?? s.str('serviceAccount') ?? 'default',
    ...priorityOf(s),
  };
}

/** `priorityClassName` and `priority`, only when written (most templates have neither). */
function priorityOf(s: FieldCursor): { priorityClassName?: string; priority?: number } {
  const priorityClassName = s.str('priorityClassName');
  const priority = s.int('priority');
  return {
    ...(priorityClassName !== undefined ? { priorityClassName } : {}),
    ...(priority !== undefined ? { priority } : {}),
  };
}

/** `spec.hostAliases[]` (`ip`, `hostnames`); entries without an IP address are reported and left out. */
function hostAliases(s: FieldCursor): { hostAliases?: Pod['hostAliases'] } {
  const list = s.list('hostAliases');
  if (!list.length) return {};
  const { f, path: spec } = s;
  const out: { ip: string; hostnames: string[] }[] = [];
  list.forEach((_, i) => {
    const at = [...spec, 'hostAliases', i];
    const ip = canonicalIP(f.str([...at, 'ip']) ?? '');
    if (!ip)
      return f.report('invalid-ip', 'error', [...at, 'ip'], `hostAliases[${i}].ip is not an IP address`);
    const hostnames = f
      .list([...at, 'hostnames'])
      .map((_, j) => f.str([...at, 'hostnames', j]) ?? '')
      .filter(Boolean);
    out.push({ ip, hostnames });
  });
  return out.length ? { hostAliases: out } : {};
}

/**
 * A container's `command`, `args` and env `value`s are strings (Container, EnvVar in the core/v1 API): kubectl's
 * YAML reader makes an unquoted `8080`, `y` or `on` a number or a boolean, and the API server refuses the object.
 * Only values that are not strings are read through the typed reader (which reports them), so a long `args` list
 * costs one `typeof` per word. https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#entrypoint
 */
function checkWordTypes(c: FieldCursor): void {
  const { f, path: at } = c;
  for (const field of ['command', 'args'] as const) {
    const words = c.get(field);
    if (!Array.isArray(words)) continue;
    words.forEach((w, k) => {
      if (typeof w !== 'string') f.str([...at, field, k]);
    });
  }
  const env = c.get('env');
  if (Array.isArray(env))
    env.forEach((e, k) => {
      const value = (e as { value?: unknown } | null)?.value;
      if (value !== undefined && value !== null && typeof value !== 'string')
        f.str([...at, 'env', k, 'value']);
    });
}
