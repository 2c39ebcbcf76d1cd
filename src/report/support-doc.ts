import { ciliumFields, fields, kinds, podSpecPaths, type SupportLevel } from '../model/catalogue.ts';

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
    'Kinds not listed are reported as `unknown-kind` (info) and ignored.',
    '',
    '## Kinds',
    '',
    '| Kind | API group | Level | Notes |',
    '| --- | --- | --- | --- |',
    ...kinds.map((k) => `| ${k.kind} | ${k.group || 'core'} | ${k.level} | ${k.note} |`),
    '',
    '## Fields below `modeled`',
    '',
    `Pod-spec fields (\`PodSpec\`) apply under each workload's pod template: ${Object.entries(podSpecPaths)
      .map(([k, p]) => `${k} \`${p}\``)
      .join(', ')}.`,
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
  ];
  return lines.join('\n');
}
