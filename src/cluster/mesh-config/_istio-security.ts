/**
 * Raw Istio security objects → slim records: PeerAuthentication and AuthorizationPolicy. Values istiod's
 * validation refuses (an unknown mode or action, a port that is not a number) are reported at their line and
 * make the object invalid, so it is left out.
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import type {
  AuthzTargetRef,
  AuthorizationPolicy,
  AuthzAction,
  AuthzCondition,
  AuthzOperation,
  AuthzOperationField,
  AuthzRule,
  AuthzSource,
  AuthzSourceField,
  MtlsMode,
  PeerAuthentication,
} from '../../model/mesh.ts';
import type { PathSegment } from '../../parse/index.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';

export const istioSecurityGroup = 'security.istio.io';

const refused = 'istiod validation refuses it, so kubetwin leaves the object out.';
const modes: readonly MtlsMode[] = ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT'];
const actions: readonly AuthzAction[] = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];
const sourceFields: readonly AuthzSourceField[] = [
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
  'namespaces',
  'notNamespaces',
  'ipBlocks',
  'notIpBlocks',
  'remoteIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
];
const operationFields: readonly AuthzOperationField[] = [
  'hosts',
  'notHosts',
  'ports',
  'notPorts',
  'methods',
  'notMethods',
  'paths',
  'notPaths',
];

const created = (f: FieldReader) => {
  const t = f.get(['metadata', 'creationTimestamp']);
  return typeof t === 'string' ? t : undefined;
};
const strings = (f: FieldReader, at: PathSegment[]) =>
  f.list(at).flatMap((v, i) => f.str([...at, i]) ?? (typeof v === 'number' ? [String(v)] : []));
const selectorOf = (f: FieldReader) =>
  f.map(['spec', 'selector']) ? f.stringMap(['spec', 'selector', 'matchLabels']) : undefined;

function mode(f: FieldReader, at: PathSegment[]): MtlsMode {
  const m = f.str(at);
  if (m === undefined) return 'UNSET';
  if ((modes as readonly string[]).includes(m)) return m as MtlsMode;
  f.report('invalid-mesh-policy', 'error', at, `mode "${m}" is not one of ${modes.join(', ')}; ${refused}`);
  return 'UNSET';
}

/** A PeerAuthentication: selector, `mtls.mode` and `portLevelMtls` (numeric ports; only with a selector). */
export function readPeerAuthentication(e: Envelope): PeerAuthentication {
  const f = e.f;
  const selector = selectorOf(f);
  const ports = f.map(['spec', 'portLevelMtls']) ?? {};
  if (Object.keys(ports).length && !selector)
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'portLevelMtls'],
      `portLevelMtls needs a workload selector; ${refused}`,
    );
  const portLevel = f.keyed(['spec', 'portLevelMtls', '*', 'mode'], 'string', () =>
    Object.keys(ports)
      .sort((a, b) => Number(a) - Number(b))
      .flatMap((k) => {
        const port = Number(k);
        if (!Number.isInteger(port) || port < 1 || port > 65535) {
          f.report(
            'invalid-mesh-policy',
            'error',
            ['spec', 'portLevelMtls', k],
            `port "${k}" is not a port number; ${refused}`,
          );
          return [];
        }
        const at = ['spec', 'portLevelMtls', k, 'mode'];
        return [{ port, mode: mode(f, at), source: f.raw.locate(['spec', 'portLevelMtls', k]) }];
      }),
  );
  return {
    ...namespacedMetaOf(e),
    ...(selector ? { selector } : {}),
    mode: mode(f, ['spec', 'mtls', 'mode']),
    modeSource: f.raw.locate(f.get(['spec', 'mtls', 'mode']) !== undefined ? ['spec', 'mtls', 'mode'] : []),
    portLevel,
    creationTimestamp: created(f),
  };
}

function fieldsOf<K extends string>(f: FieldReader, at: PathSegment[], names: readonly K[]) {
  const out: Partial<Record<K, readonly string[]>> = {};
  for (const k of names) if (f.get([...at, k]) !== undefined) out[k] = strings(f, [...at, k]);
  return out;
}

function readRule(f: FieldReader, i: number): AuthzRule {
  const at = ['spec', 'rules', i];
  const from =
    f.get([...at, 'from']) !== undefined
      ? f.list([...at, 'from']).map((_, j): AuthzSource => ({
          index: j,
          fields: fieldsOf(f, [...at, 'from', j, 'source'], sourceFields),
          source: f.raw.locate([...at, 'from', j]),
        }))
      : undefined;
  const to =
    f.get([...at, 'to']) !== undefined
      ? f.list([...at, 'to']).map((_, j): AuthzOperation => ({
          index: j,
          fields: fieldsOf(f, [...at, 'to', j, 'operation'], operationFields),
          source: f.raw.locate([...at, 'to', j]),
        }))
      : undefined;
  const when = f.list([...at, 'when']).map((_, j): AuthzCondition => {
    const c = [...at, 'when', j];
    const key = f.str([...c, 'key']);
    if (!key) f.report('invalid-mesh-policy', 'error', c, `when[${j}] has no key; ${refused}`);
    return {
      index: j,
      key: key ?? '',
      values: strings(f, [...c, 'values']),
      notValues: strings(f, [...c, 'notValues']),
      source: f.raw.locate(c),
    };
  });
  return { index: i, from, to, when, source: f.raw.locate(at) };
}

const targetOf = (f: FieldReader, at: PathSegment[]): AuthzTargetRef => ({
  group: f.str([...at, 'group']) ?? '',
  kind: f.str([...at, 'kind']) ?? '',
  name: f.str([...at, 'name']) ?? '',
});

/** An AuthorizationPolicy: selector (or targetRefs), action (ALLOW when absent), rules. */
export function readAuthorizationPolicy(e: Envelope): AuthorizationPolicy {
  const f = e.f;
  const a = f.str(['spec', 'action']) ?? 'ALLOW';
  if (!(actions as readonly string[]).includes(a))
    f.report(
      'invalid-mesh-policy',
      'error',
      ['spec', 'action'],
      `action "${a}" is not one of ${actions.join(', ')}; ${refused}`,
    );
  return {
    ...namespacedMetaOf(e),
    ...(selectorOf(f) ? { selector: selectorOf(f) } : {}),
    targetRefs: f.get(['spec', 'targetRef']) !== undefined || f.get(['spec', 'targetRefs']) !== undefined,
    targets: [
      ...(f.get(['spec', 'targetRef']) !== undefined ? [targetOf(f, ['spec', 'targetRef'])] : []),
      ...f.list(['spec', 'targetRefs']).map((_, i) => targetOf(f, ['spec', 'targetRefs', i])),
    ],
    action: a as AuthzAction,
    rules: f.list(['spec', 'rules']).map((_, i) => readRule(f, i)),
    creationTimestamp: created(f),
  };
}
