import {
  ciliumFields,
  fields,
  kinds,
  podSpecPaths,
  trafficKinds,
  unmodeledTrafficKind,
  type SupportLevel,
} from '../model/catalogue.ts';
import { fieldRules } from '../model/field-types/index.ts';

const legend: Record<SupportLevel, string> = {
  modeled: 'built exactly as Kubernetes builds it',
  partial: 'built with the simplification noted; input using it gets an info diagnostic',
  ignored: 'read but without effect on the model; input using it gets a warning',
  planned: 'kept in the model for an analysis that is not built yet; input using it gets an info diagnostic',
};

/** docs/support.md, generated from the catalogue so the page never drifts from what the builder warns about. */
export function renderSupportDoc(): string {
  const lines = [
    '# What kubetwin models',
    '',
    '<!-- Generated from src/model/catalogue.ts by `npm run docs:support`; do not edit by hand. -->',
    '',
    'Levels:',
    '',
    ...(Object.keys(legend) as SupportLevel[]).map((l) => `- **${l}**: ${legend[l]}.`),
    '',
    'Kinds not listed here or under "Kinds that change traffic and are not modeled" are reported as `unknown-kind`',
    '(info) and ignored, except those whose `spec.targetRef`/`spec.targetRefs` names other objects (Gateway API',
    "policy attachment, GEP-713: an implementation's SecurityPolicy, BackendTrafficPolicy…): they are kept, and every",
    'route answer through an object they target says `unknown:` ([route.md](route.md)); and those with a pod template',
    "(`spec.template` with labels and containers: a workload CRD such as OpenKruise's CloneSet): the pods their",
    'controller runs are not built, and every answer through a Service whose selector the template satisfies (reach,',
    "test, trace, endpoints) says `unknown:`, naming the object; doctor does not call that Service's selector wrong.",
    '',
    '## Kinds',
    '',
    '| Kind | API group | Level | Notes |',
    '| --- | --- | --- | --- |',
    ...kinds.map((k) => `| ${k.kind} | ${k.group || 'core'} | ${k.level} | ${k.note} |`),
    '',
    '## Kinds that change traffic and are not modeled',
    '',
    'Objects of these kinds are kept and warned about (`kind-changes-traffic-not-modeled`). Every answer they could',
    'change says so: `reach` and `test` `reach:` entries say **unknown** (never ALLOWED; exit 1, counted as failed),',
    '`trace` notes it on the policy hop, `route` names those that name the host or backend, `matrix` warns in its',
    'output, `report` counts and lists them, `doctor` reports each. A namespaced object touches the connections with',
    "an end in its namespace; a cluster-scoped one, one in a mesh's root namespace or one exported to every namespace",
    'touches all. *Admits*: it can also admit what NetworkPolicies deny, so a DENIED verdict becomes unknown too;',
    'otherwise it can only deny more and a denial stands. A kind leaves this table when it is modeled.',
    '',
    '| Kind | API group | Changes | Scope | Admits | Notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...trafficKinds
      .filter((t) => unmodeledTrafficKind(t.kind, t.group))
      .map(
        (t) =>
          `| ${t.kind} | ${t.group} | ${t.affects.join(', ')} | ${!t.namespaced ? 'cluster' : t.exported ? 'every namespace (exported)' : t.rootNamespace ? `namespace (all in ${t.rootNamespace})` : 'namespace'} | ${t.admits ? 'yes' : 'no'} | ${t.note} |`,
      ),
    '',
    '## Fields below `modeled`',
    '',
    `Pod-spec fields (\`PodSpec\`) apply under each workload's pod template: ${Object.entries(podSpecPaths)
      .map(([k, p]) => `${k} \`${p}\``)
      .join(
        ', ',
      )}. \`*\` is every item of a list; a label or annotation key is written whole in brackets, as kubectl`,
    'prints it (`metadata.annotations["k3s.io/node-args"]`).',
    '',
    '| Kind | Field | Level | Notes |',
    '| --- | --- | --- | --- |',
    ...fields.map((f) => `| ${f.kind} | \`${f.path}\` | ${f.level} | ${f.note} |`),
    '',
    '## Cilium policy fields',
    '',
    'Fields of a CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy `spec` (or each `specs[*]`); `*` is each of',
    '`ingress`, `ingressDeny`, `egress`, `egressDeny`. See docs/cilium.md.',
    '',
    '| Field | Level | Notes |',
    '| --- | --- | --- |',
    ...ciliumFields.map((f) => `| \`${f.path}\` | ${f.level} | ${f.note} |`),
    '',
    '## Field types and ranges',
    '',
    'Every field kubetwin reads, with the type and range the API server checks (src/model/field-types). A value of',
    'another type is `invalid-field-type`, one out of range `invalid-field` (`invalid-port` for ports), at its',
    'file:line:column; the object is then refused as the API server would refuse it. `*` is every list element or',
    'map key; `PodSpec` and `PodTemplate` are the pod spec and template metadata of every workload.',
    '',
    '| Kind | Field | Type | Range | Source |',
    '| --- | --- | --- | --- | --- |',
    ...fieldRules.map(
      (r) =>
        `| ${r.kind} | \`${r.path}\` | ${r.type} | ${r.min === undefined ? '' : `${r.min}..${r.max}`} | ${r.source.startsWith('http') ? `[API](${r.source})` : r.source} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
