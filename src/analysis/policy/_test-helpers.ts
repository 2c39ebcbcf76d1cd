import { buildYaml } from '../../cluster/_test-helpers.ts';
import type { ClusterModel, Protocol } from '../../model/types.ts';
import { PolicyEngine } from './_engine.ts';
import type { EngineOptions, Party, Verdict } from './types.ts';

/**
 * The upstream e2e topology (test/e2e/network/netpol): namespaces x, y, z labelled `ns: NAME`; pods a, b, c
 * labelled `pod: NAME`, each serving 80 and 81 on TCP, UDP and SCTP with ports named `serve-PORT-PROTO`.
 */
export function e2eTopology(extra = ''): string {
  const docs: string[] = [];
  for (const ns of ['x', 'y', 'z']) {
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: "${ns}", labels: {ns: "${ns}"}}`);
    for (const pod of ['a', 'b', 'c']) {
      const ports = [80, 81].flatMap((p) =>
        ['TCP', 'UDP', 'SCTP'].map(
          (proto) => `{name: serve-${p}-${proto.toLowerCase()}, containerPort: ${p}, protocol: ${proto}}`,
        ),
      );
      docs.push(
        `apiVersion: v1\nkind: Pod\nmetadata: {name: ${pod}, namespace: "${ns}", labels: {pod: ${pod}}}\nspec:\n  containers: [{name: c, image: agnhost, ports: [${ports.join(', ')}]}]`,
      );
    }
  }
  return docs.join('\n---\n') + (extra ? `\n---\n${extra}` : '');
}

export function engineFor(yaml: string, options: EngineOptions & { profile?: string } = {}): PolicyEngine {
  const built = buildYaml(yaml, { profile: options.profile });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length)
    throw new Error(`test manifests must be valid: ${errors.map((e) => e.message).join('; ')}`);
  return new PolicyEngine(built.model, options);
}

/** `x/a`, `ip:1.2.3.4` → a party of the engine's model. */
export function party(model: ClusterModel, ref: string): Party {
  if (ref.startsWith('ip:')) return { kind: 'ip', ip: ref.slice(3) };
  const [ns, name] = ref.split('/');
  const pod = model.pods.find((p) => p.namespace === ns && p.name === name);
  if (!pod) throw new Error(`no pod ${ref}`);
  return { kind: 'pod', pod };
}

/**
 * Reachability table in the domain's notation, one line per connection: `x/a -> y/b 80/TCP allow`.
 * Checks the explained verdict and the cached fast path agree.
 */
export function expectTable(engine: PolicyEngine, table: string): void {
  for (const raw of table.trim().split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(\S+) -> (\S+) (\d+)\/(TCP|UDP|SCTP) (allow|deny)$/.exec(line);
    if (!m) throw new Error(`bad table line: ${line}`);
    const v = verdict(engine, m[1], m[2], Number(m[3]), m[4] as Protocol);
    if (v.allowed !== (m[5] === 'allow'))
      throw new Error(
        `${line}: got ${v.allowed ? 'allow' : 'deny'}\n${JSON.stringify({ egress: v.egress, ingress: v.ingress }, null, 1)}`,
      );
    if (
      engine.allows(party(engine.model, m[1]), party(engine.model, m[2]), Number(m[3]), m[4] as Protocol) !==
      v.allowed
    )
      throw new Error(`fast path disagrees: ${line}`);
  }
}

export function verdict(
  engine: PolicyEngine,
  from: string,
  to: string,
  port: number,
  protocol: Protocol = 'TCP',
): Verdict {
  return engine.explain(party(engine.model, from), party(engine.model, to), port, protocol);
}

export const np = (name: string, ns: string, spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: "${ns}"}\nspec:\n${spec}`;
