/**
 * Property test: the compiled engine (classes, caches, fast path) agrees with a plain per-pair reference
 * evaluator written here from the API reference, on random clusters and policies — named ports, endPort,
 * ipBlock with except, empty selectors, matchExpressions, inferred policyTypes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import { matches } from '../../lib/labels.ts';
import type {
  ClusterModel,
  NetworkPolicy,
  Pod,
  PolicyPeer,
  PolicyPort,
  Protocol,
} from '../../model/types.ts';
import { PolicyEngine } from './_engine.ts';
import type { Party } from './types.ts';

import { clusterArb, toYaml } from './_cluster-arb.ts';

// ---- the reference evaluator: one pair at a time, straight from the API reference ----

function refPort(pp: PolicyPort, port: number, protocol: Protocol, dst: Pod | undefined): boolean {
  if (pp.protocol !== protocol) return false;
  if (pp.port === undefined) return true;
  if (typeof pp.port === 'string')
    return (
      !!dst &&
      dst.ports.some((c) => c.name === pp.port && c.protocol === protocol && c.containerPort === port)
    );
  return pp.endPort === undefined ? pp.port === port : pp.port <= port && port <= pp.endPort;
}

function refPeer(model: ClusterModel, peer: PolicyPeer, policyNs: string, other: Party): boolean {
  if (peer.ipBlock) {
    const ips = other.kind === 'pod' ? other.pod.ips : [other.ip];
    return ips.some((t) => {
      const ip = parseIP(t)!;
      return (
        cidrContains(parseCidr(peer.ipBlock!.cidr)!, ip) &&
        !peer.ipBlock!.except.some((e) => cidrContains(parseCidr(e)!, ip))
      );
    });
  }
  if (other.kind !== 'pod') return false;
  const ns = model.namespaces.find((n) => n.name === other.pod.namespace)!;
  const nsOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, ns.labels)
    : other.pod.namespace === policyNs;
  return nsOk && (!peer.podSelector || matches(peer.podSelector, other.pod.labels));
}

function refSide(
  model: ClusterModel,
  dir: 'Ingress' | 'Egress',
  subject: Party,
  other: Party,
  port: number,
  protocol: Protocol,
): boolean {
  if (subject.kind !== 'pod') return true;
  const pod = subject.pod;
  if (other.kind === 'pod' && other.pod === pod) return true;
  if (other.kind === 'ip' && model.nodes.some((n) => n.name === pod.nodeName && n.internalIP === other.ip))
    return true;
  const selecting = model.networkPolicies.filter(
    (p: NetworkPolicy) =>
      p.namespace === pod.namespace && matches(p.podSelector, pod.labels) && p.policyTypes.includes(dir),
  );
  if (!selecting.length) return true;
  const dst = dir === 'Ingress' ? pod : other.kind === 'pod' ? other.pod : undefined;
  return selecting.some((p) =>
    (dir === 'Ingress' ? p.ingress : p.egress).some(
      (r) =>
        (r.ports === 'all' || r.ports.some((pp) => refPort(pp, port, protocol, dst))) &&
        (r.peers === 'all' || r.peers.some((pe) => refPeer(model, pe, p.namespace, other))),
    ),
  );
}

function refAllowed(model: ClusterModel, from: Party, to: Party, port: number, protocol: Protocol): boolean {
  // A hostNetwork pod is its node's address (the engine's default `node` mode): no policy selects it, and
  // peers see that address (https://kubernetes.io/docs/concepts/services-networking/network-policies/ —
  // hostNetwork pods are undefined upstream; kubetwin's documented default).
  const asNode = (p: Party): Party =>
    p.kind === 'pod' && p.pod.hostNetwork ? { kind: 'ip', ip: p.pod.ip! } : p;
  from = asNode(from);
  to = asNode(to);
  return (
    refSide(model, 'Egress', from, to, port, protocol) && refSide(model, 'Ingress', to, from, port, protocol)
  );
}

test('property: the compiled engine agrees with the per-pair reference evaluator on random clusters', () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const built = buildYaml(toYaml(c));
      const model = built.model;
      const engine = new PolicyEngine(model);
      const pods = model.pods.filter((p) => p.namespace.startsWith('n') && p.ip);
      const node = model.nodes[0].internalIP!;
      const parties: Party[] = [
        ...pods.map((pod) => ({ kind: 'pod' as const, pod })),
        { kind: 'ip', ip: '8.8.8.8' },
        { kind: 'ip', ip: '1.2.3.4' },
        { kind: 'ip', ip: node },
      ];
      for (const a of parties)
        for (const b of parties) {
          if (a.kind === 'ip' && b.kind === 'ip') continue;
          for (const [port, protocol] of [
            [80, 'TCP'],
            [8080, 'TCP'],
            [53, 'UDP'],
            [81, 'SCTP'],
            [81, 'TCP'],
          ] as const) {
            const want = refAllowed(model, a, b, port, protocol);
            const label = `${a.kind === 'pod' ? a.pod.name : a.ip} -> ${b.kind === 'pod' ? b.pod.name : b.ip} ${port}/${protocol}`;
            assert.equal(
              engine.explain(a, b, port, protocol).allowed,
              want,
              `explain: ${label}\n${toYaml(c)}`,
            );
            assert.equal(engine.allows(a, b, port, protocol), want, `allows: ${label}`);
          }
        }
    }),
    { numRuns: 300, seed: 42 },
  );
});

test('property: the class bitsets of the full reachability agree with the engine on every class pair and port class', async () => {
  const { computeReachability } = await import('../matrix/index.ts');
  fc.assert(
    fc.property(clusterArb, (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      const r = computeReachability(engine, { keep: true });
      const P = r.portClasses.length;
      for (const d of engine.classes)
        for (const s of engine.classes) {
          const src = s.pods[0];
          const dst = s === d ? d.pods[1] : d.pods[0];
          if (!dst || !src.ip || !dst.ip || src.hostNetwork || dst.hostNetwork) continue;
          r.portClasses.forEach((pc, p) => {
            const bit = (r.rows![d.id * P + p][s.id >>> 5] >>> (s.id & 31)) & 1;
            assert.equal(
              bit === 1,
              engine.allows({ kind: 'pod', pod: src }, { kind: 'pod', pod: dst }, pc.port, pc.protocol),
              `${src.name} -> ${dst.name} ${pc.port}/${pc.protocol}`,
            );
          });
        }
    }),
    { numRuns: 200, seed: 7 },
  );
});

test('property: counting the full reachability without rows (spread or bitset-tested peer sets) gives the same total as the kept rows', async () => {
  const { computeReachability } = await import('../matrix/index.ts');
  fc.assert(
    fc.property(clusterArb, (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      const kept = computeReachability(engine, { keep: true });
      let bits = 0;
      for (const row of kept.rows!) for (const w of row) bits += w.toString(2).replace(/0/g, '').length;
      assert.equal(kept.allowedTriples, bits);
      // bigAt 1: every peer set is tested through its bitset instead of spread, as large sets are at scale;
      // chunk 1: one port class per pass, as when there are more port classes than a pass holds.
      for (const options of [{}, { bigAt: 1 }, { chunk: 1 }])
        assert.equal(computeReachability(engine, options).allowedTriples, bits, JSON.stringify(options));
    }),
    { numRuns: 200, seed: 11 },
  );
});

test('property: the flat plan counts the same triples as computeReachability, and its row bitsets are the kept rows', async () => {
  const { computeReachability, computeFlatReachability, rowBits, ReachScratch } =
    await import('../matrix/index.ts');
  fc.assert(
    fc.property(clusterArb, (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      const kept = computeReachability(engine, { keep: true });
      // bigAt 1: every peer set bitset-tested; chunk 1: one port class per pass.
      for (const options of [{}, { bigAt: 1 }, { chunk: 1 }]) {
        const flat = computeFlatReachability(engine, options);
        assert.equal(flat.allowedTriples, kept.allowedTriples, JSON.stringify(options));
        const { plan } = flat;
        const out = new Uint32Array(plan.P * plan.W);
        const scratch = new ReachScratch(plan);
        for (let d = 0; d < plan.C; d++) {
          rowBits(plan, d, out, scratch);
          for (let p = 0; p < plan.P; p++)
            assert.deepEqual(
              [...out.subarray(p * plan.W, (p + 1) * plan.W)],
              [...kept.rows![d * plan.P + p]],
              `row ${d} port class ${p} ${JSON.stringify(options)}`,
            );
        }
      }
    }),
    { numRuns: 200, seed: 13 },
  );
});
