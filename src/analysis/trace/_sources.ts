import type { Pod } from '../../model/types.ts';
import type { FlowSource } from '../flows/index.ts';
import type { TraceContext } from './_context.ts';

/** The pods a `ns/name` names: a pod of that name, else the pods of a workload of that name; ready ones first. */
export function podsOf(ctx: TraceContext, namespace: string, name: string): Pod[] {
  const pod = ctx.podNamed(`${namespace}/${name}`);
  if (pod) return [pod];
  const workloads = ctx.model.workloads.filter((w) => w.namespace === namespace && w.name === name);
  return workloads
    .flatMap((w) => ctx.podsOfWorkload(w.key))
    .sort((a, b) => Number(b.ready) - Number(a.ready) || (a.name < b.name ? -1 : 1));
}

export function describeSource(from: FlowSource): string {
  return from.kind === 'internet'
    ? 'internet'
    : from.kind === 'ip'
      ? `ip:${from.ip}`
      : `${from.namespace}/${from.name}`;
}

/** A stand-in client on the internet (TEST-NET-3, RFC 5737), used when the source is `internet`. */
export const internetClient = '203.0.113.7';
