import { stringify } from 'yaml';
import type { SourceRef } from '../model/diagnostic.ts';
import type { Profile, ProfileField, ProfileOrigin } from '../model/profile.ts';
import { profileApiVersion, profileKind } from '../cluster/index.ts';

/** The fields in the order a reader looks for them: ranges, DNS, node sizing, the CNI, then the lists. */
const order: readonly ProfileField[] = [
  'podCIDR',
  'serviceCIDR',
  'clusterDomain',
  'dnsServiceIP',
  'cni',
  'mesh',
  'kubeProxy',
  'nodeCIDRMaskSize',
  'nodeCIDRMaskSizeIPv6',
  'maxPodsPerNode',
  'nodePortRange',
  'nodes',
  'externalHosts',
  'loadBalancers',
  'resolverLibc',
  'nodeSearchDomains',
  'ingressControllers',
];

/**
 * The profile in use as a `ClusterProfile` ready to edit and pass back with `--profile`: each field preceded
 * by a comment saying where its value came from. Values from the profile file or inferred from the input are
 * written out (so the file pins them); defaults are commented out, so the file leaves them to kubetwin.
 */
export function renderProfileYaml(
  profile: Profile,
  options: { readonly mesh?: { readonly name?: string; readonly detectedFrom?: string } } = {},
): string {
  const out = [
    '# The cluster profile kubetwin uses for these inputs. Edit it and pass it back with --profile FILE.',
    '# Each value says where it came from: the profile file, inference from the input, or the default',
    '# (defaults are commented out; uncomment one to change it).',
    `apiVersion: ${profileApiVersion}`,
    `kind: ${profileKind}`,
  ];
  for (const field of order) {
    const value = profile[field];
    if (field === 'mesh' && value === undefined) {
      // The mesh is detected from its control plane when building (src/cluster/mesh-config), not by profile inference.
      const m = options.mesh;
      out.push(
        ...(m?.name && m.detectedFrom && m.detectedFrom !== 'profile'
          ? [`# inferred from ${m.detectedFrom}: the mesh's control plane`, `mesh:`, `  name: ${m.name}`]
          : ['# mesh:  # none named or detected (istio | linkerd)', '#   name: istio']),
      );
      continue;
    }
    if (value === undefined) continue;
    const origin: ProfileOrigin = profile.origins?.[field] ?? {
      from: profile.source ? 'profile' : 'default',
      ...(profile.source ? { sources: [profile.source] } : {}),
    };
    out.push(...fieldLines(field, tidy(field, value), origin));
  }
  return out.join('\n') + '\n';
}

/**
 * A field's YAML with its origin: a trailing comment on a one-line value, a comment line before a block.
 * Defaults are commented out; uncommenting one gives valid YAML (`# maxPodsPerNode: 110  # default`).
 */
function fieldLines(field: ProfileField, value: unknown, origin: ProfileOrigin): string[] {
  const text = stringify({ [field]: value }, { lineWidth: 0 })
    .trimEnd()
    .split('\n');
  const where = places(origin.sources ?? []);
  const off = (lines: string[]) => (origin.from === 'default' ? lines.map((l) => `# ${l}`) : lines);
  if (origin.from === 'inferred') {
    const lines = [`# inferred from ${where || 'the input'}: ${origin.rule ?? ''}`.trimEnd()];
    if (origin.note) lines.push(`# note: ${origin.note}`);
    return [...lines, ...text];
  }
  const label = origin.from === 'default' ? 'default' : `from the profile${where ? `, ${where}` : ''}`;
  return text.length === 1 ? off([`${text[0]}  # ${label}`]) : [`# ${label}`, ...off(text)];
}

/** Leaves out the empty label maps the profile reader gives nodes that list none. */
function tidy(field: ProfileField, value: unknown): unknown {
  if (field !== 'nodes' || !Array.isArray(value)) return value;
  return value.map((n: Record<string, unknown>) => {
    const labels = n.labels as Record<string, string> | undefined;
    if (labels && !Object.keys(labels).length) {
      const rest = { ...n };
      delete rest.labels;
      return rest;
    }
    return n;
  });
}

/** `a.yaml:8,30, b.yaml:4`: the lines of each file, files in first-seen order. */
function places(sources: readonly SourceRef[]): string {
  const lines = new Map<string, number[]>();
  for (const s of sources) {
    const list = lines.get(s.file) ?? [];
    if (s.line > 0 && !list.includes(s.line)) list.push(s.line);
    lines.set(s.file, list);
  }
  return [...lines].map(([file, ls]) => (ls.length ? `${file}:${ls.join(',')}` : file)).join(', ');
}
