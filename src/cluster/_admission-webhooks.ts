import { byNamespaceName } from '../model/keys.ts';
import type {
  AdmissionWebhook,
  AdmissionWebhookConfiguration,
  WebhookRule,
  WebhookService,
} from '../model/admission.ts';
import type { Selector } from '../lib/labels.ts';
import type { Envelope } from './_envelope.ts';
import { metaOf } from './_envelope.ts';
import type { FieldCursor } from './_field-cursor.ts';
import { readSelector } from './_selectors.ts';
import { formatPath } from '../parse/index.ts';

/**
 * The `port` the API server calls a webhook's Service on when `clientConfig.service.port` is unset
 * (SetDefaults_ServiceReference, admissionregistration/v1 defaults.go).
 * https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/validating-webhook-configuration-v1/
 */
export const defaultWebhookPort = 443;

/**
 * ValidatingWebhookConfigurations and MutatingWebhookConfigurations (admissionregistration.k8s.io/v1): per webhook
 * its name, `clientConfig` (`service` with `port` defaulted to 443, or `url`), `rules` (apiGroups, resources),
 * `failurePolicy` (Fail unless Ignore), the namespace and object selectors and how many `matchConditions`, read with the field types of the API
 * reference. A value of another type is `invalid-field-type` at its line; what the API server's validation refuses
 * (no name, neither or both of url and service, a service without name or namespace, a port outside 1–65535, a
 * failurePolicy other than Fail or Ignore, a malformed selector) is reported too; either way the configuration is
 * left out, as the API server refuses it.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/admissionregistration/validation/validation.go,
 * https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/util/webhook/validation.go
 */
export function buildAdmissionWebhooks(envs: readonly Envelope[]): AdmissionWebhookConfiguration[] {
  const out: AdmissionWebhookConfiguration[] = [];
  for (const env of envs) {
    if (env.group !== 'admissionregistration.k8s.io') continue;
    if (env.kind !== 'ValidatingWebhookConfiguration' && env.kind !== 'MutatingWebhookConfiguration')
      continue;
    const list = env.f.cursor(['webhooks']);
    const webhooks = env.f
      .list(['webhooks'])
      .flatMap((_, i) => (list.map(i) ? [readWebhook(env, list.at(i))] : []));
    if (!env.f.invalid) out.push({ ...metaOf(env), kind: env.kind, webhooks });
  }
  return out.sort(byNamespaceName);
}

function readWebhook(env: Envelope, w: FieldCursor): AdmissionWebhook {
  const f = env.f;
  const name = w.str('name');
  if (absent(w.get('name')))
    f.report(
      'missing-field',
      'error',
      w.pathOf('name'),
      `${formatPath(w.pathOf('name'))} is required`,
      'Name the webhook (a fully qualified name, e.g. validate.example.com).',
    );
  const cc = w.at('clientConfig');
  const ccWritten = w.map('clientConfig') !== undefined;
  const url = cc.str('url');
  const service = cc.map('service') ? readService(env, cc.at('service')) : undefined;
  const serviceWritten = cc.get('service') !== undefined && cc.get('service') !== null;
  // A clientConfig of another type was reported by its read; "exactly one" is about a map's two fields.
  if ((ccWritten || absent(w.get('clientConfig'))) && (url === undefined) === !serviceWritten)
    f.report(
      url === undefined ? 'missing-field' : 'invalid-field',
      'error',
      cc.path,
      `${formatPath(cc.path)}: exactly one of url or service is required`,
      'Give the webhook either clientConfig.service (a Service in the cluster) or clientConfig.url.',
    );
  const failurePolicy = w.str('failurePolicy') ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore')
    f.report(
      'invalid-field',
      'error',
      w.pathOf('failurePolicy'),
      `${formatPath(w.pathOf('failurePolicy'))} "${failurePolicy}" must be Fail or Ignore`,
    );
  const ruleList = w.at('rules');
  const rules = w.list('rules').flatMap((_, i) => (ruleList.map(i) ? [readRule(ruleList.at(i))] : []));
  const namespaceSelector = selectorAt(env, w, 'namespaceSelector');
  const objectSelector = selectorAt(env, w, 'objectSelector');
  const matchConditions = w.list('matchConditions').length;
  return {
    name: name ?? '',
    ...(service ? { service } : {}),
    ...(url !== undefined ? { url } : {}),
    rules,
    failurePolicy: failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(objectSelector ? { objectSelector } : {}),
    ...(matchConditions ? { matchConditions } : {}),
  };
}

function readService(env: Envelope, s: FieldCursor): WebhookService | undefined {
  const namespace = s.str('namespace');
  const name = s.str('name');
  const written = s.get('port') !== undefined && s.get('port') !== null;
  const port = s.int('port');
  const path = s.str('path');
  for (const field of ['namespace', 'name'])
    if (absent(s.get(field)))
      env.f.report(
        'missing-field',
        'error',
        s.pathOf(field),
        `${formatPath(s.pathOf(field))} is required`,
        `Add the ${field} of the Service in front of the webhook's pods.`,
      );
  if (!namespace || !name || (written && port === undefined)) return undefined;
  return {
    namespace,
    name,
    port: port ?? defaultWebhookPort,
    portDefaulted: !written,
    ...(path !== undefined ? { path } : {}),
  };
}

function readRule(r: FieldCursor): WebhookRule {
  const strings = (field: string) => {
    const at = r.at(field);
    return r.list(field).flatMap((_, i) => at.str(i) ?? []);
  };
  return { apiGroups: strings('apiGroups'), resources: strings('resources') };
}

/** A webhook's label selector; undefined when unset (`{}`, every namespace or object, as the API server defaults it). */
function selectorAt(env: Envelope, w: FieldCursor, field: string): Selector | undefined {
  if (w.get(field) === undefined || w.get(field) === null) return undefined;
  const selector = readSelector(env.f, w.pathOf(field));
  return selector && selector.requirements.length ? selector : undefined;
}

/** Unset, null or empty: what the API server's `len(x) == 0` calls missing (a value of another type is not). */
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
