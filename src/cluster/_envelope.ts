import type { Diagnostic } from '../model/diagnostic.ts';
import { templateLabels } from './_unmodeled-workloads.ts';
import {
  fields,
  kinds,
  kindSupport,
  podSpecPaths,
  quietKinds,
  type KindSupport,
} from '../model/catalogue.ts';
import { apiVersionProblem } from '../model/api-versions.ts';
import { catalogueSegments, keyPatternMatches } from '../model/catalogue-path.ts';
import { deprecatedAnnotations, deprecatedFields, removedVersions } from '../model/deprecations.ts';
import { objectKey } from '../model/keys.ts';
import {
  isDns1123Label,
  isDns1123Subdomain,
  labelKeyProblem,
  labelValueProblem,
} from '../lib/label-validation.ts';
import { formatPath, type RawObject } from '../parse/index.ts';
import { FieldReader } from './_fields.ts';
import { checkUnknownFields } from './_unknown-fields.ts';
import { stableSuffix } from './_names.ts';
import { redeclared } from './_redeclared.ts';

/** Every kind kubetwin reads, for the spelling check (`deployment` is no kind). */
const catalogueKinds = [...new Set(kinds.map((k) => k.kind))];

/**
 * `apiVersionProblem` against the catalogue's kinds, remembered per (apiVersion, kind): it depends on nothing
 * else, and the search through the served versions was made once per object (41,000 at 150k pods).
 */
const apiVersionAnswers = new Map<string, ReturnType<typeof apiVersionProblem> | null>();
function apiVersionProblemOf(apiVersion: string, kind: string): ReturnType<typeof apiVersionProblem> {
  const key = `${apiVersion}\n${kind}`;
  let answer = apiVersionAnswers.get(key);
  if (answer === undefined) {
    if (apiVersionAnswers.size >= 10_000) apiVersionAnswers.clear();
    apiVersionAnswers.set(key, (answer = apiVersionProblem(apiVersion, kind, catalogueKinds) ?? null));
  }
  return answer ?? undefined;
}

/** A raw object whose apiVersion, kind, name and namespace have been read and checked. */
export interface Envelope {
  readonly raw: RawObject;
  readonly f: FieldReader;
  readonly apiVersion: string;
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly key: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly support: KindSupport;
  /**
   * False for a kind kept only because it changes traffic and is not modeled (`trafficKinds`): builders, which
   * select envelopes by kind, must not read a Calico `NetworkPolicy` as a Kubernetes one.
   */
  readonly listed: boolean;
}

/**
 * Reads the envelope of every object: the fields every object needs, namespace defaulting, redeclarations (the
 * last one wins), unknown kinds and fields kubetwin does not model. Objects that fail are reported and left out.
 */
export function readEnvelopes(
  raws: readonly RawObject[],
  defaultNamespace: string,
  sink: (d: Diagnostic) => void,
): Envelope[] {
  const out: Envelope[] = [];
  const seen = new Map<string, RawObject>();
  for (const raw of raws) {
    const env = readOne(raw, defaultNamespace, sink);
    if (!env) continue;
    const first = seen.get(env.key);
    if (first) sink(redeclared(env, first));
    seen.set(env.key, raw);
    if (env.listed) {
      checkModeledFields(env, sink);
      checkDeprecations(env, sink);
      checkUnknownFields(env);
    }
    if (env.f.invalid) continue; // the API server refuses it: an earlier declaration stays
    if (first) {
      const earlier = out.findIndex((e) => e.key === env.key);
      if (earlier >= 0) out.splice(earlier, 1);
    }
    out.push(env);
  }
  return out;
}

function readOne(
  raw: RawObject,
  defaultNamespace: string,
  sink: (d: Diagnostic) => void,
): Envelope | undefined {
  const body = raw.body;
  const missing = (field: string) =>
    sink({
      code: 'missing-field',
      severity: 'error',
      message: `object has no ${field}; every Kubernetes object needs apiVersion, kind and metadata.name`,
      source: raw.locate(field.split('.')),
      hint: `Add ${field}.`,
    });
  const apiVersion = typeof body.apiVersion === 'string' && body.apiVersion ? body.apiVersion : undefined;
  const kind = typeof body.kind === 'string' && body.kind ? body.kind : undefined;
  if (!apiVersion) missing('apiVersion');
  if (!kind) missing('kind');
  if (!apiVersion || !kind) return undefined;
  const removed = removedVersions.find((r) => r.apiVersion === apiVersion && r.kind === kind);
  if (removed) {
    sink({
      code: 'removed-api-version',
      severity: 'error',
      message: `${kind} ${apiVersion} was removed in Kubernetes ${removed.removedIn}; the API server refuses it, so kubetwin leaves it out`,
      source: raw.locate(['apiVersion']),
      hint: `Use apiVersion: ${removed.use} (see https://kubernetes.io/docs/reference/using-api/deprecation-guide/).`,
    });
    return undefined;
  }
  const spelling = apiVersionProblemOf(apiVersion, kind);
  if (spelling) {
    sink({
      code: spelling.code,
      severity: 'error',
      message: `${spelling.message}; kubetwin leaves it out`,
      source: raw.locate([spelling.field]),
      hint: spelling.hint,
    });
    return undefined;
  }
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const attachedPolicy = policyAttachmentSupport(kind, group, body.spec);
  const support = kindSupport(kind, group) ?? attachedPolicy;
  const meta =
    body.metadata !== null && typeof body.metadata === 'object'
      ? (body.metadata as Record<string, unknown>)
      : {};
  let name = typeof meta.name === 'string' && meta.name ? meta.name : undefined;
  if (!name && typeof meta.generateName === 'string' && meta.generateName) {
    name = meta.generateName + stableSuffix(JSON.stringify(body));
    sink({
      code: 'generated-name',
      severity: 'info',
      message: `metadata.generateName: kubetwin names this ${kind} ${name} (a stable stand-in for the API server's random suffix)`,
      source: raw.locate(['metadata', 'generateName']),
    });
  }
  if (!name) {
    if (meta.name !== undefined && meta.name !== null && typeof meta.name !== 'string')
      sink({
        code: 'invalid-field-type',
        severity: 'error',
        message: `metadata.name: expected string, got ${typeof meta.name} (${JSON.stringify(meta.name)}). Unquoted scalars like y, yes, on or 0755 are not strings to kubectl; quote the name.`,
        source: raw.locate(['metadata', 'name']),
        hint: 'Quote the name.',
      });
    else missing('metadata.name');
    return undefined;
  }
  if (attachedPolicy && support === attachedPolicy)
    sink({
      code: 'unknown-kind',
      severity: 'info',
      message: `${kind} (${apiVersion}) ${name} is not a kind kubetwin models; it targets other objects (Gateway API policy attachment), so answers through them say unknown`,
      source: raw.source,
      hint: 'See docs/support.md for what kubetwin models.',
    });
  if (!support) {
    if (!quietKinds.includes(kind))
      sink({
        code: 'unknown-kind',
        severity: 'info',
        message: templateLabels(body)
          ? `${kind} (${apiVersion}) ${name} is not a kind kubetwin models; the pods its controller runs from spec.template are not built, and answers through a Service that selects them say unknown`
          : `${kind} (${apiVersion}) ${name} is not a kind kubetwin models; it is ignored`,
        source: raw.source,
        hint: 'See docs/support.md for what kubetwin models.',
      });
    return undefined;
  }
  if (
    support.namespaced &&
    meta.namespace !== undefined &&
    meta.namespace !== null &&
    typeof meta.namespace !== 'string'
  ) {
    // `namespace: y`, `no` or `0755` reach kubectl as a boolean or a number, which the API server refuses; the
    // object must not silently land in the default namespace.
    sink({
      code: 'invalid-field-type',
      severity: 'error',
      message: `metadata.namespace: expected string, got ${typeof meta.namespace} (${JSON.stringify(meta.namespace)}). Unquoted scalars like y, no, on or 0755 are not strings to kubectl; quote the namespace.`,
      source: raw.locate(['metadata', 'namespace']),
      object: objectKey(kind, undefined, name),
      hint: 'Quote the namespace as you meant it (namespace: "y", not namespace: y).',
    });
    return undefined;
  }
  const namespace = support.namespaced
    ? typeof meta.namespace === 'string' && meta.namespace
      ? meta.namespace
      : defaultNamespace
    : undefined;
  // Namespace names are DNS-1123 labels (ValidateNamespaceName): `My_NS` is refused, so nothing lands in it.
  // https://kubernetes.io/docs/concepts/overview/working-with-objects/names/#dns-label-names
  const nsName = kind === 'Namespace' ? name : namespace;
  if (nsName !== undefined && !isDns1123Label(nsName)) {
    sink({
      code: 'invalid-name',
      severity: 'error',
      message: `namespace "${nsName}" is not a valid namespace name (a DNS-1123 label: at most 63 lowercase alphanumerics or '-', starting and ending with an alphanumeric); the API server refuses ${kind} ${name}, so kubetwin leaves it out`,
      source: raw.locate(kind === 'Namespace' ? ['metadata', 'name'] : ['metadata', 'namespace']),
      object: objectKey(kind, undefined, name),
      hint: looksLikePlaceholder(nsName)
        ? `"${nsName}" looks like a placeholder left for you to fill in (as in a README's copy-and-edit manifests): replace it with the namespace you deploy to.`
        : 'Rename the namespace in lowercase, e.g. ' + JSON.stringify(suggestLabel(nsName)) + '.',
    });
    return undefined;
  }
  const listed = kinds.some((k) => k.kind === kind && k.group === group);
  // Unmodeled kinds are keyed with their group, as kubectl names them (networkpolicy.projectcalico.org): several
  // share a kind with a modeled one (Calico and Antrea NetworkPolicy, Istio Gateway, Linkerd HTTPRoute).
  const key = objectKey(listed ? kind : `${kind}.${group}`, namespace, name);
  const f = new FieldReader(raw, key, sink);
  if (!isDns1123Subdomain(name))
    f.report(
      'invalid-name',
      'error',
      ['metadata', 'name'],
      `metadata.name "${name}" is not a valid DNS subdomain name (lowercase alphanumerics, '-' and '.')`,
      'Rename the object.',
    );
  const labels = f.stringMap(['metadata', 'labels']);
  for (const [k, v] of Object.entries(labels)) {
    const problem = labelKeyProblem(k) ?? labelValueProblem(v);
    if (problem)
      f.report(
        'invalid-label',
        'error',
        ['metadata', 'labels', k],
        `metadata.labels: ${problem}`,
        'Fix the label; the API server would refuse this object.',
      );
  }
  const annotations = f.stringMap(['metadata', 'annotations']);
  return { raw, f, apiVersion, group, kind, name, namespace, key, labels, annotations, support, listed };
}

/** Reports removed and deprecated fields and annotations (the API server drops removed fields silently). */
function checkDeprecations(env: Envelope, sink: (d: Diagnostic) => void): void {
  for (const field of deprecatedFields) {
    if (field.kind !== env.kind) continue;
    const at = findPresent(env.raw.body, catalogueSegments(field.path), 0, []);
    if (!at) continue;
    sink({
      code: field.status === 'removed' ? 'removed-field' : 'deprecated-field',
      severity: field.status === 'removed' ? 'warning' : 'info',
      message: `${field.path} was ${field.status} in Kubernetes ${field.since}: ${field.note}`,
      source: env.raw.locate(at),
      object: env.key,
    });
  }
  for (const a of deprecatedAnnotations) {
    if (!(a.key in env.annotations)) continue;
    sink({
      code: a.status === 'removed' ? 'removed-annotation' : 'deprecated-annotation',
      severity: a.status === 'removed' ? 'warning' : 'info',
      message: `annotation ${a.key} is ${a.status}: ${a.note}`,
      source: env.raw.locate(['metadata', 'annotations', a.key]),
      object: env.key,
    });
  }
}

/** Warns on fields the catalogue marks below `modeled`, once per field per object. */
function checkModeledFields(env: Envelope, sink: (d: Diagnostic) => void): void {
  for (const { field, segs } of modeledPathsOf(env.kind)) {
    if (field.observedBy && env.kind === 'Pod' && observed(env, field.observedBy)) continue;
    // A key pattern (`keyPattern`) is its last segment: any map key it matches holds the field.
    const at = findPresent(env.raw.body, segs, 0, [], field.keyPattern ? segs.length - 1 : -1);
    if (!at) continue;
    sink({
      code: 'field-not-modeled',
      severity: field.level === 'partial' ? 'info' : 'warning',
      message: `${formatPath(at)} is ${field.level === 'partial' ? 'partly modeled' : field.level === 'planned' ? 'not modeled yet' : 'not modeled'}: ${field.note}`,
      source: env.raw.locate(at),
      object: env.key,
    });
  }
}

/**
 * Does this Pod, as read back from a cluster, state what the field would decide? Its placement: the scheduler bound
 * it (`spec.nodeName`) and the kubelet reports it (`status.hostIP`): affinity, tolerations and spread constraints
 * chose that node already (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/). Its readiness:
 * the kubelet's `Ready` condition, the outcome of probes and readiness gates
 * (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions).
 */
function observed(env: Envelope, what: 'placement' | 'readiness'): boolean {
  if (what === 'placement') return !!env.f.str(['spec', 'nodeName']) && !!env.f.str(['status', 'hostIP']);
  const conditions = env.raw.body.status as { conditions?: unknown } | undefined;
  return (
    Array.isArray(conditions?.conditions) &&
    conditions.conditions.some(
      (c) => !!c && typeof c === 'object' && (c as Record<string, unknown>).type === 'Ready',
    )
  );
}

/**
 * The catalogue's fields that apply to a kind, with their paths split (a bracketed label or annotation key kept
 * whole), in catalogue order; made once per kind.
 */
const modeledPaths = new Map<string, { field: (typeof fields)[number]; segs: string[] }[]>();
function modeledPathsOf(kind: string): { field: (typeof fields)[number]; segs: string[] }[] {
  let list = modeledPaths.get(kind);
  if (list) return list;
  list = [];
  const podPrefix = podSpecPaths[kind];
  for (const field of fields) {
    if (field.kind === kind) list.push({ field, segs: catalogueSegments(field.path) });
    else if (field.kind === 'PodSpec' && podPrefix)
      list.push({ field, segs: [...catalogueSegments(podPrefix), ...catalogueSegments(field.path)] });
  }
  modeledPaths.set(kind, list);
  return list;
}

/** The first present value's path along `segs` from `segs[i]` (`*` for every list item); `at` is the path so far. */
function findPresent(
  v: unknown,
  segs: readonly string[],
  i: number,
  at: (string | number)[],
  patternAt = -1,
): (string | number)[] | undefined {
  if (i === segs.length) return v === undefined || v === null ? undefined : [...at];
  if (v === null || typeof v !== 'object') return undefined;
  const head = segs[i];
  if (i === patternAt && !Array.isArray(v)) {
    // The first matching key in sorted order: the same note, at the same line, for the same object.
    for (const key of Object.keys(v).sort()) {
      if (!keyPatternMatches(head, key)) continue;
      at.push(key);
      const hit = findPresent((v as Record<string, unknown>)[key], segs, i + 1, at, patternAt);
      at.pop();
      if (hit) return hit;
    }
    return undefined;
  }
  if (head === '*') {
    if (!Array.isArray(v)) return undefined;
    for (let j = 0; j < v.length; j++) {
      at.push(j);
      const hit = findPresent(v[j], segs, i + 1, at, patternAt);
      at.pop();
      if (hit) return hit;
    }
    return undefined;
  }
  at.push(head);
  const hit = findPresent((v as Record<string, unknown>)[head], segs, i + 1, at, patternAt);
  at.pop();
  return hit;
}

/** The ObjectMeta fields every model record carries, from an envelope. */
export function metaOf(env: Envelope): {
  key: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  source: Envelope['raw']['source'];
} {
  return {
    key: env.key,
    name: env.name,
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
  };
}

/** `metaOf` plus the namespace, for namespaced kinds. */
export function namespacedMetaOf(env: Envelope): ReturnType<typeof metaOf> & { namespace: string } {
  // Same key order as before the helper existed, so JSON output stays byte-identical.
  return {
    key: env.key,
    name: env.name,
    namespace: env.namespace ?? 'default',
    labels: env.labels,
    annotations: env.annotations,
    source: env.raw.source,
  };
}

/** A DNS-1123 label close to `s`, for the hint: lower case, other characters as '-', trimmed to 63. */
function suggestLabel(s: string): string {
  const out = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return out || 'default';
}

/**
 * A name written as a template placeholder (`YOUR_NAMESPACE`, `<namespace>`, `${NAMESPACE}`, `{{ .Release.Namespace }}`)
 * rather than a name: upper-case words joined by `_`, or template brackets. Its fix is to fill it in, not to rename it.
 */
function looksLikePlaceholder(name: string): boolean {
  return /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(name) || /[<>{}$]/.test(name);
}

/**
 * A kind kubetwin does not know whose `spec` names a `targetRef` or `targetRefs` (GEP-713 policy attachment: an
 * implementation's SecurityPolicy, BackendTrafficPolicy, AuthPolicy…), or selects its targets by label with
 * `targetSelectors` (Envoy Gateway's policies), is kept, namespaced, as an unmodeled object,
 * so the answers through the objects it targets can say it may change them (`src/analysis/unmodeled`).
 * https://gateway-api.sigs.k8s.io/geps/gep-713/
 */
function policyAttachmentSupport(kind: string, group: string, spec: unknown): KindSupport | undefined {
  if (!spec || typeof spec !== 'object') return undefined;
  const s = spec as Record<string, unknown>;
  if (
    !(s.targetRef && typeof s.targetRef === 'object') &&
    !Array.isArray(s.targetRefs) &&
    !Array.isArray(s.targetSelectors)
  )
    return undefined;
  return {
    group,
    kind,
    namespaced: true,
    level: 'ignored',
    note: 'not modeled; a policy attached to the objects its spec.targetRef(s) name or spec.targetSelectors select: answers through them are unknown',
  };
}
