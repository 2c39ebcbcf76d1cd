/**
 * The type and range of every field kubetwin reads, as the API server checks them (issue 18 item 2): one table,
 * declared per API family in this folder. The builder's typed reads (src/cluster/_fields.ts) enforce the ranges from
 * it; a contract test (field-types.test.ts) builds every fixture and fails when a field is read that the table does
 * not list, or with another type; `docs/support.md` prints it.
 */
import { podSpecPaths } from '../catalogue.ts';
import { coreFields } from './core.ts';
import { meshFields } from './mesh.ts';
import { policyFields } from './policy.ts';
import { kubetwinFields } from './profile.ts';
import { routingFields } from './routing.ts';
import type { FieldRule, FieldType, KindFields } from './types.ts';
import { workloadFields } from './workloads.ts';

export type { FieldRule, FieldType } from './types.ts';

export const fieldTables: readonly KindFields[] = [
  ...coreFields,
  ...workloadFields,
  ...policyFields,
  ...routingFields,
  ...meshFields,
  ...kubetwinFields,
];

function parse(t: KindFields): FieldRule[] {
  return t.fields
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [path, type, range] = line.split(/\s+/);
      const port = range === 'port';
      const [min, max] = port ? [1, 65535] : range ? range.split('..').map(Number) : [];
      const code = port ? 'invalid-port' : 'invalid-field';
      return { kind: t.kind, path, type: type as FieldType, min, max, code, source: t.source };
    });
}

/** Every rule, in table order. */
export const fieldRules: readonly FieldRule[] = fieldTables.flatMap(parse);

const byKey = new Map(fieldRules.map((r) => [`${r.kind} ${r.path}`, r]));

/** The table's kind and path for a field read (`path` dotted, list indexes and map keys as `*`). */
export function tableKey(kind: string, path: string): string {
  const spec = podSpecPaths[kind];
  if (spec && path.startsWith(`${spec}.`)) return `PodSpec ${path.slice(spec.length + 1)}`;
  // The pod template's metadata sits beside its spec (`spec.template.metadata`); a Pod's is its own.
  const template = spec && kind !== 'Pod' ? spec.slice(0, -'spec'.length) : undefined;
  if (template && path.startsWith(`${template}metadata.`))
    return `PodTemplate ${path.slice(template.length)}`;
  return `${kind} ${path}`;
}

/** The rule for a field read, if the table lists it. */
export function fieldRule(kind: string, path: string): FieldRule | undefined {
  // Remembered per kind and path: the builder asks once per integer read of every object.
  let paths = ruleMemo.get(kind);
  if (!paths) ruleMemo.set(kind, (paths = new Map()));
  let rule = paths.get(path);
  if (rule === undefined) paths.set(path, (rule = byKey.get(tableKey(kind, path)) ?? null));
  return rule ?? undefined;
}

const ruleMemo = new Map<string, Map<string, FieldRule | null>>();
