/**
 * The front and back of the Application Load Balancer the AWS Load Balancer Controller builds for an IngressGroup:
 * who may reach it (`scheme`, `inbound-cidrs`, `security-groups`) and how it reaches the pods (`target-type`).
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
 *
 * - `scheme` (Exclusive in a group): `internal` (the default) or `internet-facing`. An internal ALB has private
 *   addresses only and "can only route requests from clients with access to the VPC"; AWS names its DNS name
 *   `internal-…elb.amazonaws.com`, so a hostname read back from the Ingress's status tells the scheme it has
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#load-balancer-scheme;
 *   the `internal-name-123456789.region.elb.amazonaws.com` form:
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-internal-load-balancers.html).
 * - `inbound-cidrs` (per listen-port): the CIDRs the controller's security group admits; default `0.0.0.0/0` (and
 *   `::/0` for dualstack); ignored when `security-groups` names the groups to attach, whose rules are not in the
 *   input.
 * - `target-type` (Service annotation first, then Ingress): `instance` (the default) sends to the NodePort of the
 *   Service on the nodes ("service must be of type NodePort or LoadBalancer"), `ip` to the pod addresses directly.
 */
import type { Ingress } from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';

const alb = 'alb.ingress.kubernetes.io/';

export type AlbScheme =
  { readonly scheme: 'internal' | 'internet-facing'; readonly by: string } | { readonly unknown: string };

/** The scheme of the ALB at `address` that serves `members` (one IngressGroup). */
export function albScheme(members: readonly Ingress[], address: string): AlbScheme {
  if (/\.elb\.amazonaws\.com(\.cn)?$/.test(address))
    return address.startsWith('internal-')
      ? {
          scheme: 'internal',
          by: `its DNS name starts with internal-, as AWS names an internal load balancer`,
        }
      : {
          scheme: 'internet-facing',
          by: `its DNS name has no internal- prefix, which AWS gives an internal load balancer`,
        };
  const set = [...new Set(members.map((i) => i.annotations[`${alb}scheme`]).filter((v) => v !== undefined))];
  if (set.length > 1)
    return {
      unknown: `the Ingresses of the group set ${alb}scheme to ${set.join(' and ')} (an Exclusive annotation): the controller refuses the group`,
    };
  const v = set[0]?.trim();
  if (v === undefined)
    return { scheme: 'internal', by: `no ${alb}scheme annotation: internal is the default` };
  if (v === 'internal' || v === 'internet-facing') return { scheme: v, by: `${alb}scheme: ${v}` };
  return {
    unknown: `${alb}scheme "${v}" is neither internal nor internet-facing: the controller refuses the group`,
  };
}

export type AlbInbound =
  { readonly cidrs: readonly string[]; readonly by: string } | { readonly unknown: string };

/** Who the ALB's security group admits on `listener` (`HTTP:80`): the inbound-cidrs of the Ingresses on it. */
export function albInbound(members: readonly Ingress[], on: readonly Ingress[]): AlbInbound {
  const sg = members.find((i) => i.annotations[`${alb}security-groups`] !== undefined);
  if (sg)
    return {
      unknown: `${sg.key} attaches the security groups ${sg.annotations[`${alb}security-groups`]} (${alb}security-groups, inbound-cidrs ignored): which sources they admit is not in the input`,
    };
  const given = on.find((i) => i.annotations[`${alb}inbound-cidrs`] !== undefined);
  if (!given)
    return { cidrs: ['0.0.0.0/0', '::/0'], by: `no ${alb}inbound-cidrs: 0.0.0.0/0 (and ::/0) by default` };
  const cidrs = given.annotations[`${alb}inbound-cidrs`]
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  return { cidrs, by: `${alb}inbound-cidrs of ${given.key}: ${cidrs.join(', ')}` };
}

export type AlbTargetType =
  { readonly type: 'instance' | 'ip'; readonly by: string } | { readonly unknown: string };

/** How the ALB reaches a backend Service of `ing`: the Service's target-type annotation wins over the Ingress's. */
export function albTargetType(ing: Ingress, svc: Pick<Service, 'annotations' | 'key'>): AlbTargetType {
  const onService = svc.annotations[`${alb}target-type`];
  const text = onService ?? ing.annotations[`${alb}target-type`];
  const by = onService !== undefined ? svc.key : ing.key;
  if (text === undefined) return { type: 'instance', by: `no ${alb}target-type: instance is the default` };
  const v = text.trim();
  if (v === 'instance' || v === 'ip') return { type: v, by: `${alb}target-type: ${v} on ${by}` };
  return {
    unknown: `${alb}target-type "${v}" on ${by} is neither instance nor ip: the controller refuses it`,
  };
}
