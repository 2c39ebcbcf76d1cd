import type { LoadBalancerScheme, LoadBalancerTargets } from '../model/types.ts';

const aws = 'service.beta.kubernetes.io/aws-load-balancer-';
const gkeType = 'networking.gke.io/load-balancer-type';
const gkeTypeOld = 'cloud.google.com/load-balancer-type';
const azureInternal = 'service.beta.kubernetes.io/azure-load-balancer-internal';

/** The annotations `loadBalancerScheme` reads (the support catalogue lists each). */
export const schemeAnnotations = [
  `${aws}scheme`,
  `${aws}internal`,
  `${aws}type`,
  `${aws}nlb-target-type`,
  `${aws}target-group-attributes`,
  gkeType,
  gkeTypeOld,
  azureInternal,
] as const;

/**
 * Whether the cloud's load balancer of a LoadBalancer Service is internal (a private address in the VPC or VNet,
 * unreachable from the internet) or internet-facing, as each cloud controller reads the Service; undefined when no
 * cloud annotation or class says (the in-tree controllers then make an internet-facing one).
 *
 * - AWS Load Balancer Controller (it takes a Service with `aws-load-balancer-type: external` or `nlb-ip`, or
 *   `spec.loadBalancerClass: service.k8s.aws/nlb`): `aws-load-balancer-scheme` (`internal` | `internet-facing`),
 *   else the legacy boolean `aws-load-balancer-internal`, else an existing NLB keeps its scheme and a new one is
 *   internal (`buildLoadBalancerScheme`, kubernetes-sigs/aws-load-balancer-controller
 *   pkg/service/model_build_load_balancer.go; "Since the v2.2.0 release, the LBC provisions an internal NLB by
 *   default", https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/): without
 *   the annotations the scheme is undetermined.
 * - AWS in-tree controller (kubernetes/cloud-provider-aws `EnsureLoadBalancer`): `aws-load-balancer-internal` set to
 *   anything but `"false"` makes an internal ELB/NLB.
 * - GKE (cloud-provider-gcp `GetLoadBalancerAnnotationType`): `networking.gke.io/load-balancer-type`, else the
 *   deprecated `cloud.google.com/load-balancer-type`, `Internal` (or `internal`): an internal passthrough Network
 *   Load Balancer; `spec.loadBalancerClass` `networking.gke.io/l4-regional-internal` (or `-external`) decides the
 *   same way (https://cloud.google.com/kubernetes-engine/docs/concepts/service-load-balancer).
 * - AKS (cloud-provider-azure `requiresInternalLoadBalancer`): `azure-load-balancer-internal: "true"`.
 */
export function loadBalancerScheme(
  annotations: Readonly<Record<string, string>>,
  loadBalancerClass: string | undefined,
): LoadBalancerScheme | undefined {
  const at = (key: string) => (key in annotations ? `${key}: "${annotations[key]}"` : undefined);
  const lbcType = annotations[`${aws}type`];
  const lbc = lbcType === 'external' || lbcType === 'nlb-ip' || loadBalancerClass === 'service.k8s.aws/nlb';
  const scheme = annotations[`${aws}scheme`];
  const legacy = annotations[`${aws}internal`];
  if (lbc) {
    if (scheme === 'internal' || scheme === 'internet-facing')
      return { scheme, by: `${at(`${aws}scheme`)} (AWS Load Balancer Controller)` };
    if (scheme !== undefined)
      return {
        scheme: 'undetermined',
        by: `${at(`${aws}scheme`)}: the AWS Load Balancer Controller refuses a scheme other than internal or internet-facing and builds no load balancer`,
      };
    const bool = legacy?.trim().toLowerCase();
    if (bool === 'true' || bool === 'false')
      return {
        scheme: bool === 'true' ? 'internal' : 'internet-facing',
        by: `${at(`${aws}internal`)} (AWS Load Balancer Controller, legacy annotation)`,
      };
    return {
      scheme: 'undetermined',
      by: `the AWS Load Balancer Controller serves it (${lbcType ? at(`${aws}type`) : `spec.loadBalancerClass: ${loadBalancerClass}`}) without ${aws}scheme: a new NLB is internal, an existing one keeps its scheme, which the input does not say`,
    };
  }
  if (legacy !== undefined && legacy !== '' && loadBalancerClass === undefined)
    return {
      scheme: legacy === 'false' ? 'internet-facing' : 'internal',
      by: `${at(`${aws}internal`)} (AWS cloud provider)`,
    };
  if (loadBalancerClass === 'networking.gke.io/l4-regional-internal')
    return { scheme: 'internal', by: `spec.loadBalancerClass: ${loadBalancerClass} (GKE)` };
  if (loadBalancerClass === 'networking.gke.io/l4-regional-external')
    return { scheme: 'internet-facing', by: `spec.loadBalancerClass: ${loadBalancerClass} (GKE)` };
  const gke = gkeType in annotations ? gkeType : gkeTypeOld in annotations ? gkeTypeOld : undefined;
  if (gke && (annotations[gke] === 'Internal' || annotations[gke] === 'internal'))
    return { scheme: 'internal', by: `${at(gke)} (GKE internal passthrough Network Load Balancer)` };
  if (annotations[azureInternal] === 'true')
    return { scheme: 'internal', by: `${at(azureInternal)} (AKS internal load balancer)` };
  return undefined;
}

/**
 * How the AWS Load Balancer Controller's NLB reaches the pods of a Service it serves (type `external` or `nlb-ip`,
 * or class `service.k8s.aws/nlb`): `aws-load-balancer-nlb-target-type` `ip` (`nlb-ip` implies it) registers the pod
 * addresses as targets, so the NLB connects to the pods itself — no node port, no kube-proxy, and
 * externalTrafficPolicy does not apply; `instance` (the default) registers the nodes on the node port, as any
 * LoadBalancer Service. The target group attribute `preserve_client_ip.enabled` (annotation
 * `aws-load-balancer-target-group-attributes`) keeps the client address; its default is off for ip targets over
 * TCP, on for instance targets
 * (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#nlb-target-type,
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
 * Undefined for a Service the controller does not serve.
 */
export function awsLoadBalancerTargets(
  annotations: Readonly<Record<string, string>>,
  loadBalancerClass: string | undefined,
): LoadBalancerTargets | undefined {
  const lbcType = annotations[`${aws}type`];
  if (lbcType !== 'external' && lbcType !== 'nlb-ip' && loadBalancerClass !== 'service.k8s.aws/nlb')
    return undefined;
  const written = annotations[`${aws}nlb-target-type`];
  const type = lbcType === 'nlb-ip' || written === 'ip' ? 'ip' : 'instance';
  const attrs = annotations[`${aws}target-group-attributes`] ?? '';
  const preserve = /(?:^|,)\s*preserve_client_ip\.enabled\s*=\s*(true|false)\s*(?:,|$)/.exec(attrs)?.[1];
  return {
    type,
    clientAddressKept: preserve ? preserve === 'true' : type === 'instance',
    by:
      lbcType === 'nlb-ip'
        ? `${aws}type: "nlb-ip"`
        : written !== undefined
          ? `${aws}nlb-target-type: "${written}"`
          : 'the AWS Load Balancer Controller (nlb-target-type defaults to instance)',
  };
}
