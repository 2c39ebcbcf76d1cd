/**
 * Istio's mesh-wide `exportTo` defaults, which apply to a VirtualService, DestinationRule or ServiceEntry (and a
 * Kubernetes Service) whose own `exportTo` is empty: MeshConfig `defaultVirtualServiceExportTo`,
 * `defaultDestinationRuleExportTo` and `defaultServiceExportTo`, each `*` (every namespace) when unset. istiod reads
 * MeshConfig from the `mesh` key of the `istio` ConfigMap in its root namespace; an IstioOperator's
 * `spec.meshConfig` is what the installer writes there, so it is read when that ConfigMap is not in the input.
 * https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig
 * https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/#IstioOperatorSpec (meshConfig)
 */
import { parse } from 'yaml';
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { IstioExportDefaults } from '../../model/mesh.ts';
import type { Envelope } from '../_envelope.ts';
import { isRecord } from '../../lib/record.ts';

const fields = {
  virtualService: 'defaultVirtualServiceExportTo',
  destinationRule: 'defaultDestinationRuleExportTo',
  service: 'defaultServiceExportTo',
} as const;

type Which = keyof typeof fields;

/**
 * The defaults from the root namespace's `istio` ConfigMap (`mesh` key, MeshConfig as YAML), else the first
 * IstioOperator with `spec.meshConfig` (by namespace/name); undefined when the input holds neither. A value that is
 * not a list of strings, or a `mesh` key that is not YAML, is an `invalid-mesh-config` error at its line, and the
 * source is not used.
 */
export function readIstioExportDefaults(
  envs: readonly Envelope[],
  rootNamespace: string,
  sink: (d: Diagnostic) => void,
): IstioExportDefaults | undefined {
  const cm = envs.find(
    (e) => e.kind === 'ConfigMap' && e.group === '' && e.namespace === rootNamespace && e.name === 'istio',
  );
  const text = cm && isRecord(cm.raw.body) && isRecord(cm.raw.body.data) ? cm.raw.body.data.mesh : undefined;
  if (cm && typeof text === 'string') {
    const source = cm.raw.locate(['data', 'mesh']);
    const bad = (message: string) =>
      sink({ code: 'invalid-mesh-config', severity: 'error', message, source, object: cm.key });
    let mesh: unknown;
    try {
      mesh = parse(text);
    } catch (err) {
      bad(
        `${cm.key} data.mesh is not YAML (${(err as Error).message.split('\n')[0]}): its exportTo defaults are not used`,
      );
      return undefined;
    }
    const read = defaultsOf(mesh ?? {}, (path, message) => bad(`${cm.key} data.mesh ${path}: ${message}`));
    return read && { ...read, from: `${cm.key} data.mesh` };
  }
  const ops = envs
    .filter((e) => e.kind === 'IstioOperator' && e.group === 'install.istio.io' && !e.f.invalid)
    .filter((e) => e.f.map(['spec', 'meshConfig']) !== undefined)
    .sort((a, b) => a.key.localeCompare(b.key));
  const op = ops[0];
  if (!op) return undefined;
  const values = {} as Record<Which, readonly string[] | undefined>;
  for (const which of Object.keys(fields) as Which[]) {
    const at = ['spec', 'meshConfig', fields[which]];
    if (op.f.get(at) === undefined) continue;
    values[which] = op.f.list(at).map((_, i) => op.f.str([...at, i]) ?? '');
  }
  if (op.f.invalid) return undefined;
  return { ...complete(values), from: `${op.key} spec.meshConfig` };
}

/** The three defaults of a MeshConfig object, `*` where unset; undefined (after `bad`) when one is malformed. */
function defaultsOf(
  mesh: unknown,
  bad: (path: string, message: string) => void,
): Omit<IstioExportDefaults, 'from'> | undefined {
  if (!isRecord(mesh)) return (bad('', 'MeshConfig must be a mapping'), undefined);
  const values = {} as Record<Which, readonly string[] | undefined>;
  for (const which of Object.keys(fields) as Which[]) {
    const v = mesh[fields[which]];
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
      return (bad(fields[which], 'must be a list of strings'), undefined);
    values[which] = v as string[];
  }
  return complete(values);
}

/** Unset or empty: `*`, MeshConfig's documented default for each. */
function complete(values: Record<Which, readonly string[] | undefined>): Omit<IstioExportDefaults, 'from'> {
  const or = (v: readonly string[] | undefined) => (v?.length ? v : ['*']);
  return {
    virtualService: or(values.virtualService),
    destinationRule: or(values.destinationRule),
    service: or(values.service),
  };
}
