/**
 * Validating and mutating admission webhook configurations as kubetwin reads them
 * (`src/cluster/_admission-webhooks.ts`): which Service or URL the API server calls for each webhook, with the
 * defaults the API server applies, and what each webhook matches.
 * https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/validating-webhook-configuration-v1/
 */
import type { Selector } from '../lib/labels.ts';
import type { ObjectMeta } from './types.ts';

/** `clientConfig.service`: the API server calls this Service's port (443 when unset, as the API server defaults it). */
export interface WebhookService {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  /** Whether `port` was written or is the API server's default (443). */
  readonly portDefaulted: boolean;
  readonly path?: string;
}

/** One `rules[]` entry: the resources of the API groups whose requests the webhook is sent. */
export interface WebhookRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
}

export interface AdmissionWebhook {
  readonly name: string;
  /** Exactly one of `service` (in the cluster) and `url` (anywhere, called as written) is set. */
  readonly service?: WebhookService;
  readonly url?: string;
  readonly rules: readonly WebhookRule[];
  /** `Fail` unless written `Ignore` (the v1 default is Fail). */
  readonly failurePolicy: 'Fail' | 'Ignore';
  /** Undefined when unset: every namespace (every object), as the API server defaults it to `{}`. */
  readonly namespaceSelector?: Selector;
  readonly objectSelector?: Selector;
  /** How many CEL `matchConditions` further narrow the requests sent (not evaluated); absent: none. */
  readonly matchConditions?: number;
}

export interface AdmissionWebhookConfiguration extends ObjectMeta {
  readonly kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  readonly webhooks: readonly AdmissionWebhook[];
}
