import { compileMesh } from '../mesh/index.ts';
import type { Pod } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * STRICT mTLS on meshed pods that clients outside the mesh may reach (the NetworkPolicies allow them): their
 * plaintext connections are refused. One finding per server workload and port, naming the clients'
 * workloads (one pod of each stands for its workload). https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
export const meshStrictPlaintextClients: DoctorRule = {
  code: 'mesh-strict-plaintext-clients',
  severity: 'warning',
  summary:
    'STRICT mTLS on pods that clients without the mesh proxy may reach: their plaintext connections are refused',
  check({ model, engine }) {
    if (model.mesh?.name !== 'istio' || !model.mesh.peerAuthentications.length) return [];
    const mesh = compileMesh(model);
    const one = (pods: readonly Pod[]) => {
      const seen = new Map<string, Pod>();
      for (const p of pods) if (p.ip && !seen.has(p.owner ?? p.key)) seen.set(p.owner ?? p.key, p);
      return [...seen.values()];
    };
    const candidates = one(model.pods);
    const clients = candidates.filter(
      (p) => !p.hostNetwork && p.namespace !== 'kube-system' && !mesh.sidecar(p).meshed,
    );
    const out: Finding[] = [];
    for (const server of candidates.filter((p) => mesh.sidecar(p).meshed))
      for (const port of [
        ...new Set(server.ports.filter((c) => c.protocol === 'TCP').map((c) => c.containerPort)),
      ]) {
        const refused = clients.filter((c) => {
          if (engine && !engine.allows({ kind: 'pod', pod: c }, { kind: 'pod', pod: server }, port, 'TCP'))
            return false;
          return mesh.inbound({ client: { pod: c }, server, port, protocol: 'TCP', assumeService: true })
            ?.mtls.refused;
        });
        if (!refused.length) continue;
        const v = mesh.inbound({
          client: { pod: refused[0] },
          server,
          port,
          protocol: 'TCP',
          assumeService: true,
        })!;
        const who = (p: Pod) =>
          p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`;
        out.push({
          code: 'mesh-strict-plaintext-clients',
          severity: 'warning',
          message: `${who(server)} port ${port} is STRICT (${v.mtls.modeBy}) but ${refused.length} workload(s) without the istio proxy may connect: ${refused.map(who).join(', ')}`,
          objects: [
            { key: v.mtls.modeBy.split(' ')[0], source: v.mtls.modeSource },
            { key: server.owner ?? server.key, source: server.source },
          ],
          breaks: `their plaintext connections to ${who(server)}:${port} are refused`,
          fix: `Inject the proxy into those workloads (label their namespace istio-injection=enabled), or keep the port PERMISSIVE until they are migrated (portLevelMtls: {${port}: {mode: PERMISSIVE}}).`,
        });
      }
    return out;
  },
};
