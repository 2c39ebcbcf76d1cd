import { compileMesh } from '../mesh/index.ts';
import type { Pod } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * STRICT mTLS on meshed pods that clients sending plaintext may reach (the NetworkPolicies allow them): their
 * connections are refused. Plaintext clients are those without the istio proxy and meshed ones whose `Sidecar`
 * imports none of the server's Services on the port: their proxy sends the connection through the
 * PassthroughCluster, without mTLS (istio/istio#41978). One finding per server workload and port, naming the
 * clients' workloads (one pod of each stands for its workload).
 * https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 * https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy
 */
export const meshStrictPlaintextClients: DoctorRule = {
  code: 'mesh-strict-plaintext-clients',
  severity: 'warning',
  summary:
    "STRICT mTLS on pods that plaintext clients may reach (no istio proxy, or a Sidecar that does not import the server's Services): their connections are refused",
  check({ model, engine }) {
    if (model.mesh?.name !== 'istio' || !model.mesh.peerAuthentications.length) return [];
    const mesh = compileMesh(model);
    const one = (pods: readonly Pod[]) => {
      const seen = new Map<string, Pod>();
      for (const p of pods) if (p.ip && !seen.has(p.owner ?? p.key)) seen.set(p.owner ?? p.key, p);
      return [...seen.values()];
    };
    const candidates = one(model.pods);
    // Meshed clients count only where a Sidecar may leave Services out of their proxy's config.
    const scoped = model.mesh.sidecars.length > 0;
    const clients = candidates.filter(
      (p) => !p.hostNetwork && p.namespace !== 'kube-system' && (scoped || !mesh.sidecar(p).meshed),
    );
    const who = (p: Pod) => (p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`);
    const out: Finding[] = [];
    for (const server of candidates.filter((p) => mesh.sidecar(p).meshed))
      for (const port of [
        ...new Set(server.ports.filter((c) => c.protocol === 'TCP').map((c) => c.containerPort)),
      ]) {
        const refused = clients.flatMap((c) => {
          if (c === server) return [];
          if (engine && !engine.allows({ kind: 'pod', pod: c }, { kind: 'pod', pod: server }, port, 'TCP'))
            return [];
          const v = mesh.inbound({ client: { pod: c }, server, port, protocol: 'TCP', assumeService: true });
          return v?.mtls.refused ? [{ pod: c, v }] : [];
        });
        if (!refused.length) continue;
        const bare = refused.filter((r) => !mesh.sidecar(r.pod).meshed);
        const narrowed = refused.filter((r) => mesh.sidecar(r.pod).meshed);
        const v = refused[0].v;
        const groups = [
          ...(bare.length ? [`${bare.map((r) => who(r.pod)).join(', ')} (no istio proxy)`] : []),
          ...(narrowed.length
            ? [`${narrowed.map((r) => who(r.pod)).join(', ')} (meshed, but ${narrowed[0].v.mtls.why})`]
            : []),
        ];
        const fixes = [
          ...(bare.length
            ? [
                'Inject the proxy into the workloads without it (label their namespace istio-injection=enabled)',
              ]
            : []),
          ...(narrowed.length
            ? [`${narrowed[0].v.clientFix ?? "import the server's Service in the clients' Sidecar"}`]
            : []),
        ];
        out.push({
          code: 'mesh-strict-plaintext-clients',
          severity: 'warning',
          message: `${who(server)} port ${port} is STRICT (${v.mtls.modeBy}) but ${refused.length} workload(s) may connect in plaintext: ${groups.join('; ')}`,
          objects: [
            { key: v.mtls.modeBy.split(' ')[0], source: v.mtls.modeSource },
            { key: server.owner ?? server.key, source: server.source },
          ],
          breaks: `their plaintext connections to ${who(server)}:${port} are refused`,
          fix: `${fixes.join('; ')}; or keep the port PERMISSIVE until they are migrated (portLevelMtls: {${port}: {mode: PERMISSIVE}}).`,
        });
      }
    return out;
  },
};
