/**
 * What kubetwin models of Kubernetes, declared (STYLE.md "Declare what is modeled"). The builder warns when
 * input uses a field below `modeled`; `docs/support.md` is generated from this file (`npm run docs:support`).
 */
import { ciliumKinds } from './catalogue-cilium.ts';

export { ciliumFields } from './catalogue-cilium.ts';

export type SupportLevel = 'modeled' | 'partial' | 'ignored' | 'planned';

export interface KindSupport {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly level: SupportLevel;
  readonly note: string;
}

export interface FieldSupport {
  /** Kinds the field belongs to; pod-spec fields are listed once under `PodSpec`. */
  readonly kind: string;
  /** API group when the kind name is shared across groups (Istio's `Gateway` next to Gateway API's). */
  readonly group?: string;
  /**
   * Dotted path; `*` stands for every element of a list; a key with dots or slashes (a label or annotation key) is
   * written whole in brackets, `metadata.annotations["k3s.io/node-args"]` (split by `catalogueSegments`).
   */
  readonly path: string;
  readonly level: Exclude<SupportLevel, 'modeled'>;
  readonly note: string;
  /**
   * What a Pod read back from a cluster states in place of this field, which then changes no answer about it and
   * is not warned about: `placement` (the scheduler bound it: `spec.nodeName` with the kubelet's `status.hostIP`),
   * `readiness` (the kubelet's `Ready` condition).
   */
  readonly observedBy?: 'placement' | 'readiness';
  /**
   * The bracketed key is a pattern, `*` standing for any characters (`alb.ingress.kubernetes.io/actions.*`: one
   * annotation per action name): every key of the map it matches holds the field. Only rows that say so are
   * patterns (`keyPatternMatches`, src/model/catalogue-path.ts).
   */
  readonly keyPattern?: true;
}

export const kinds: readonly KindSupport[] = [
  {
    group: '',
    kind: 'Namespace',
    namespaced: false,
    level: 'modeled',
    note: 'labels, including the automatic kubernetes.io/metadata.name',
  },
  {
    group: '',
    kind: 'Node',
    namespaced: false,
    level: 'modeled',
    note: 'name, labels (kubelet well-known labels added where missing), zone, InternalIP (status.addresses), spec.podCIDRs, unschedulable, status.nodeInfo.kubeletVersion (a +k3s kubelet: k3s flannel inferred, no kube-proxy pods, as k3s runs kube-proxy in its own process), the k3s.io/node-args annotation of a k3s server; a node only pods name is added with their status.hostIP',
  },
  {
    group: '',
    kind: 'Pod',
    namespaced: true,
    level: 'modeled',
    note: 'labels, ports, node, IPs, hostNetwork, readiness, DNS settings; observed status wins (status.podIP(s), phase, Ready condition, hostIP, deletionTimestamp); ownerReferences group it into its workload',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    namespaced: true,
    level: 'modeled',
    note: 'expanded into pods through a ReplicaSet, unless its pods are in the input (then they are its pods, as observed)',
  },
  {
    group: 'apps',
    kind: 'ReplicaSet',
    namespaced: true,
    level: 'modeled',
    note: 'expanded into pods unless its pods are in the input; part of its Deployment when that is in the input or owns pods (ownerReferences)',
  },
  {
    group: 'apps',
    kind: 'StatefulSet',
    namespaced: true,
    level: 'modeled',
    note: 'pods <name>-<ordinal> with hostname and subdomain',
  },
  {
    group: 'apps',
    kind: 'DaemonSet',
    namespaced: true,
    level: 'modeled',
    note: 'one pod per eligible node (nodeSelector)',
  },
  { group: 'batch', kind: 'Job', namespaced: true, level: 'modeled', note: 'parallelism pods' },
  {
    group: 'argoproj.io',
    kind: 'Rollout',
    namespaced: true,
    level: 'partial',
    note: "Argo Rollouts: expanded into pods at rest (fully promoted), as its controller leaves them: one ReplicaSet <name>-<hash> of spec.replicas pods (1 when unset; an HPA's minReplicas wins) from spec.template, or from the Deployment spec.workloadRef names (scaleDown onsuccess or progressively scales that Deployment to zero), carrying the rollouts-pod-template-hash label and strategy.canary.stableMetadata or strategy.blueGreen.activeMetadata; unless its pods are in the input (a dump: then they are its pods, as observed, canary and preview pods included). The steps of an update in progress and the Services' injected hash selectors are not run; strategy.canary.trafficRouting.istio is taken at rest: the VirtualService routes it manages (virtualService or virtualServices, by routes or the only HTTP route) send 100 % to the stable destination and 0 % to the canary (by stableService/canaryService host, or by destinationRule's stableSubsetName/canarySubsetName), whatever their manifest weights; likewise the HTTPRoutes the argoproj-labs/gatewayAPI plugin names (httpRoute, httpRoutes, namespace): the backendRefs to stableService get 100 and to canaryService 0; other trafficRouting providers (nginx, ALB, SMI, other plugins…) are not read, and their routes are taken as written",
  },
  {
    group: 'batch',
    kind: 'CronJob',
    namespaced: true,
    level: 'modeled',
    note: 'the pods of one run of the jobTemplate',
  },
  {
    group: 'scheduling.k8s.io',
    kind: 'PriorityClass',
    namespaced: false,
    level: 'partial',
    note: 'value and globalDefault decide which pods stay Pending when nodes are full (higher priority placed first, as the scheduler queue and preemption do); preemptionPolicy is not read',
  },
  {
    group: 'autoscaling',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    level: 'modeled',
    note: 'minReplicas sets the replica count of its target',
  },
  {
    group: '',
    kind: 'Service',
    namespaced: true,
    level: 'modeled',
    note: 'every type; ClusterIP and NodePort allocation (observed spec.clusterIPs and nodePorts kept); status.loadBalancer.ingress (ipMode VIP: reach --to ip:ADDRESS from a pod goes to the endpoints, as kube-proxy takes it; trace treats the address as outside); under Istio, the networking.istio.io/exportTo annotation (else meshConfig.defaultServiceExportTo): a meshed client of a namespace it is not exported to gets unknown (route --via mesh, trace, reach, test)',
  },
  {
    group: 'discovery.k8s.io',
    kind: 'EndpointSlice',
    namespaced: true,
    level: 'modeled',
    note: 'manual slices of selector-less Services; slices the controller wrote (a dump) kept as observed, compared with the computed ones; endpoints[].hints (forZones, forNodes) followed as kube-proxy follows them, whoever wrote the slice',
  },
  {
    group: '',
    kind: 'Endpoints',
    namespaced: true,
    level: 'modeled',
    note: 'mirrored into EndpointSlices for selector-less Services',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    namespaced: true,
    level: 'modeled',
    note: 'every field; verdicts with kubetwin reach, matrix and test',
  },
  ...['crd.projectcalico.org', 'projectcalico.org'].map((group) => ({
    group,
    kind: 'IPPool',
    namespaced: false,
    level: 'partial' as const,
    note: "Calico: spec.cidr, ipipMode and vxlanMode (Always, CrossSubnet, Never) and disabled pick the address kube-proxy's masquerade gives a connection toward another node's pod (with the Node annotations calico-node writes); nodeSelector, natOutgoing, blockSize and IPAM itself are not modeled (pod addresses come from the nodes' pod ranges)",
  })),
  {
    group: 'networking.k8s.io',
    kind: 'ServiceCIDR',
    namespaced: false,
    level: 'partial',
    note: 'spec.cidrs of the one named kubernetes (else the first) is the service CIDR when the profile sets none; further ServiceCIDRs are not modeled (see kubetwin profile)',
  },
  {
    group: 'networking.k8s.io',
    kind: 'Ingress',
    namespaced: true,
    level: 'modeled',
    note: "class, hosts, paths, defaultBackend, TLS; routed under spec, ingress-nginx, Traefik or AWS ALB behaviour (kubetwin route); status.loadBalancer.ingress (ip or hostname): trace from outside to that address follows the ALB of an alb-class Ingress (scheme, inbound-cidrs, listener rules of its group, instance or ip targets) GKE's of a gce or gce-internal Ingress (its own load balancer, network endpoint groups or node ports), and names other classes' load balancers as not followed",
  },
  {
    group: 'networking.k8s.io',
    kind: 'IngressClass',
    namespaced: false,
    level: 'modeled',
    note: 'controller (selects the behaviour profile) and the default-class annotation',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'GatewayClass',
    namespaced: false,
    level: 'modeled',
    note: 'Accepted unless its parametersRef names an object that is not among the input (InvalidParameters); a class the input does not declare but a known controller installs (istio, cilium, nginx, traefik, eg, GKE classes) is assumed, with a note',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    namespaced: true,
    level: 'modeled',
    note: 'listeners, allowedRoutes, TLS certificateRefs, status conditions; addresses are not read',
  },
  ...[
    ['gateway.networking.k8s.io', 'ListenerSet'],
    ['gateway.networking.x-k8s.io', 'XListenerSet'],
  ].map(([group, kind]) => ({
    group,
    kind,
    namespaced: true,
    level: 'modeled' as const,
    note: "GEP-1713: listeners merged into the parentRef Gateway when its spec.allowedListeners admits the namespace (None by default, Same, All, Selector; a Selector over a namespace not in the input that reads another label than kubernetes.io/metadata.name is Accepted=Unknown and answers its listeners could take are unknown), after the Gateway's own and older ListenerSets (creationTimestamp, then namespace/name); a later listener that conflicts is Accepted=False(PortUnavailable), Conflicted; status Accepted/Programmed (NotAllowed, ParentNotAccepted, ListenersNotValid) and the Gateway's attachedListenerSets; routes attach with parentRef kind ListenerSet (sectionName, port) and are routed on those listeners",
  })),
  {
    group: 'route.openshift.io',
    kind: 'Route',
    namespaced: true,
    level: 'partial',
    note: 'OpenShift router (route --via router): host (exact, generated, Subdomain wildcard), path (prefix by segment, longest wins), to and alternateBackends with weights, port.targetPort, tls.termination edge/passthrough/reencrypt and insecureEdgeTerminationPolicy (None, Allow, Redirect → 302); admission: HostAlreadyClaimed (oldest route claims the host for its namespace), wildcard routes RouteNotAdmitted (WildcardsDisallowed by default). Router sharding, the IngressController routeAdmission settings and router annotations are not modeled and are named on the answers',
  },
  ...['traefik.io', 'traefik.containo.us'].map((group) => ({
    group,
    kind: 'Middleware',
    namespaced: true,
    level: 'partial' as const,
    note: 'applied, in order, to Ingresses of a Traefik class that name it in router.middlewares (<namespace>-<name>@kubernetescrd): redirectScheme, redirectRegex (301/302, 308/307 for other methods than GET), stripPrefix, stripPrefixRegex, addPrefix, replacePath, replacePathRegex, basicAuth (401 without an Authorization header; credentials not checked), ipAllowList/ipWhiteList (named: the client address is not part of a route request); the other middlewares are named on the answer. Also applied when the routes[].middlewares of an IngressRoute name it (a Middleware of another namespace is named unknown: it needs allowCrossNamespace on the provider)',
  })),
  // Envoy Gateway's SecurityPolicy: IP authorization decided per request through a Gateway (route --client-ip, trace).
  // https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicy
  {
    group: 'gateway.envoyproxy.io',
    kind: 'SecurityPolicy',
    namespaced: true,
    level: 'partial' as const,
    note: 'on requests through a Gateway: the one policy in effect for the route rule (targetRefs with sectionName on a rule, the route, a listener by sectionName, the Gateway; targetSelectors; the most specific wins whole, the oldest of two on one target, the other Conflicted); authorization rules tried in order, the first whose principal.clientCIDRs and operation.methods hold decides, else defaultAction (Deny by default): Deny answers 403, a clientCIDR that is not a CIDR 500; the client address is the peer (route --client-ip; trace: the external client when its address is kept; serve gateway: the TCP peer of the served request, X-Forwarded-For not read), and a ClientTrafficPolicy setting clientIPDetection or the PROXY protocol makes an address-dependent answer unknown; rules with jwt, headers, geolocation, client certificate, path or CEL conditions, and basicAuth, jwt, oidc, apiKeyAuth and extAuth (credentials) are unknown, cors on a preflight is unknown (serve gateway answers such a request 503 with x-kubetwin-unknown, never forwarding it); on TCP, TLS and UDP connections (route tcp:// --client-ip, trace through TLS passthrough, serve gateway --l4-listen) only authorization by clientCIDRs applies, from the most specific policy that carries one (a TCPRoute policy with other features is refused): a client it allows passes, one it denies is unknown (whether Envoy Gateway authorizes TCP depends on its version), a policy on a TLSRoute or UDPRoute is unknown',
  },
  ...['traefik.io', 'traefik.containo.us'].map((group) => ({
    group,
    kind: 'IngressRoute',
    namespaced: true,
    level: 'partial' as const,
    note: "HTTP routers of Traefik (route --via ingress-class:<a Traefik class>), competing with the class's Ingresses by priority: routes[].match in the v3 rule syntax (Host, HostRegexp, Path, PathPrefix, PathRegexp, Method, Header, HeaderRegexp, Query, QueryRegexp with &&, ||, !, parentheses), priority (default: the rule's length), entryPoints (web 80/8000, websecure 443/8443), tls (TLS requests only; secretName is the certificate served for the Host names of its rules), middlewares, services of kind Service (port, weight, namespace). Not modeled, and named unknown on the answers they may change: ClientIP, wildcard Host, v2 syntax (routes[].syntax, Headers, HostHeader, several values), TraefikService backends, cross-namespace references (allowCrossNamespace), routers of equal priority. A route whose Service or port is missing, or whose kind is not Rule, gets no router (the next one answers); a Service without ready endpoints is answered 503 although Traefik builds no router for it unless the provider has allowEmptyServices. The kubernetesCRD provider is assumed enabled (k3s, Helm chart); its ingressClass / labelSelector filters, parentRefs, tls.certResolver/options/domains, service strategy, sticky sessions, mirroring are not read",
  })),
  {
    group: 'gateway.networking.k8s.io',
    kind: 'HTTPRoute',
    namespaced: true,
    level: 'modeled',
    note: 'attachment, matches, precedence, core filters, backendRefs with weights (a kind other than Service is implementation-specific: its share is unknown), status conditions; parentRefs naming a Service (GAMMA) route east-west mesh traffic: at the client sidecar, or at the Istio ambient waypoint bound to the Service (an ambient Service without a waypoint ignores them: ztunnel is L4)',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'GRPCRoute',
    namespaced: true,
    level: 'partial',
    note: 'routed like an HTTPRoute whose method matches are /service/method paths',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'ReferenceGrant',
    namespaced: true,
    level: 'modeled',
    note: 'cross-namespace backendRefs and certificateRefs',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'BackendTLSPolicy',
    namespaced: true,
    level: 'modeled',
    note: 'status (Accepted: Conflicted by age then name, TargetNotFound, NoValidCACertificate; ResolvedRefs: InvalidKind, InvalidCACertificateRef) and, on HTTPRoute/GRPCRoute answers, the TLS the gateway originates to the Service port (SNI, trust, subjectAltNames; a sectionName policy wins on its port); all CA refs invalid: 5xx. serve gateway originates that TLS to the upstream (SNI, CA, names checked). Not applied to TLSRoute, TCPRoute, UDPRoute or Ingress backends; options are named, not applied',
  },
  {
    group: 'policy.networking.k8s.io',
    kind: 'AdminNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: 'admin tier of reach, matrix and test: subject, priority, Allow/Deny/Pass, peers namespaces/pods/nodes/networks, named ports and ranges',
  },
  {
    group: 'policy.networking.k8s.io',
    kind: 'BaselineAdminNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: 'admin tier of reach, matrix and test: subject, priority, Allow/Deny/Pass, peers namespaces/pods/nodes/networks, named ports and ranges',
  },
  {
    group: 'policy.networking.k8s.io',
    kind: 'ClusterNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: 'admin tier of reach, matrix and test: subject, priority, Allow/Deny/Pass, peers namespaces/pods/nodes/networks, named ports and ranges',
  },
  {
    group: '',
    kind: 'ConfigMap',
    namespaced: true,
    level: 'partial',
    note: "the Corefile of cluster DNS: the key the CoreDNS pods behind the cluster DNS Service load with -conf from a ConfigMap volume (RKE2's kube-system/rke2-coredns-rke2-coredns, OpenShift's openshift-dns/dns-default; a workload whose ConfigMap is not in the input makes every DNS answer unknown), else kube-system/coredns: it configures cluster DNS (kubernetes, hosts, rewrite name, cache, forward with except and several stanzas chained; plugins that answer and are not modeled make their names unknown; others are reported), its other keys are the files in the directory the Corefile is read from (k3s NodeHosts); kube-system/coredns-custom (k3s, AKS): the files under /etc/coredns/custom that the Corefile imports; kube-system/kube-dns (GKE, without a coredns ConfigMap): stubDomains and upstreamNameservers as forward rules, federations and other keys make their names unknown; kube-system/node-local-dns: its Corefile answers pods whose nameserver it binds (cluster zones through cluster DNS, other names from the resolv.conf of the node); istio-system/istio: its mesh key (MeshConfig) gives the exportTo defaults, the rest of it is ignored; cilium-config (any namespace, when the CNI is Cilium): enable-policy always (every pod isolated both ways) and never (no policy enforced), and policy-audit-mode true (what policy would drop is let through, said as audited; an HTTP request the proxy would refuse is unknown), are modeled, another enable-policy value, enable-k8s-networkpolicy, enable-cilium-network-policy, enable-cilium-clusterwide-network-policy, policy-cidr-match-mode, allow-localhost, enable-non-default-deny-policies and enable-l7-proxy set otherwise than the default kubetwin models make the verdicts they can change unknown (the enforcement and audit modes too at the ingress identity of Cilium Ingress), and enable-node-selector-labels: true makes policies with fromNodes/toNodes confident; kube-flannel-cfg and Canal's canal-config (any namespace, when the CNI is flannel, k3s flannel or Canal): net-conf.json Backend.Type and Backend.DirectRouting pick the address kube-proxy's masquerade gives a connection toward another node (a node's flannel.alpha.coreos.com/backend-type annotation wins); other ConfigMaps are kept only",
  },
  {
    group: '',
    kind: 'Secret',
    namespaced: true,
    level: 'partial',
    note: 'TLS Secrets: tls.crt parsed (SANs, validity, issuer) for the certificate a route serves; other Secrets are kept only',
  },
  {
    group: 'cert-manager.io',
    kind: 'Certificate',
    namespaced: true,
    level: 'partial',
    note: 'secretName, dnsNames and issuerRef: which Certificate would create a missing TLS Secret',
  },
  {
    group: 'cert-manager.io',
    kind: 'Issuer',
    namespaced: true,
    level: 'partial',
    note: 'presence only: a Certificate naming a missing issuer is reported',
  },
  {
    group: 'cert-manager.io',
    kind: 'ClusterIssuer',
    namespaced: false,
    level: 'partial',
    note: 'presence only: a Certificate naming a missing issuer is reported',
  },
  {
    group: 'metallb.io',
    kind: 'IPAddressPool',
    namespaced: true,
    level: 'partial',
    note: "MetalLB's controller: a LoadBalancer Service without an observed or profile address gets the address MetalLB would assign (requested by the metallb.io/loadBalancerIPs annotation or spec.loadBalancerIP, from the metallb.io/address-pool pool, else the first free address of the pinned or automatic pool: addresses, autoAssign, avoidBuggyIPs, serviceAllocation), or none with the reason; an assignment that depends on the order MetalLB sees the Services is said to be undetermined",
  },
  ...['L2Advertisement', 'BGPAdvertisement'].map((kind) => ({
    group: 'metallb.io',
    kind,
    namespaced: true,
    level: 'partial' as const,
    note: 'which IPAddressPools are announced (spec.ipAddressPools, spec.ipAddressPoolSelectors; neither: all): an address from a pool no advertisement announces is reported, as nothing outside answers for it; which nodes announce and the BGP session are not modeled',
  })),
  {
    group: 'monitoring.coreos.com',
    kind: 'ServiceMonitor',
    namespaced: true,
    level: 'partial',
    note: "read by flows (and so report, trace and suggest policies) and doctor (scrape-port-not-exposed): spec.selector on Service labels, spec.namespaceSelector (any: every namespace; matchNames; neither: the monitor's own), jobLabel, and per endpoints[] port (the Service port's name, which wins), targetPort (deprecated: a container port name or number), scheme, path and interval (named in evidence); each endpoint is scraped as the operator's configuration scrapes it — the endpoints of the selected Services on the named port's target, or the pods' container port named or numbered by targetPort — by the pods of each Prometheus whose serviceMonitorSelector and serviceMonitorNamespaceSelector pick the monitor; relabelings and proxyUrl are not applied (named); TLS, authorization and limits are not read",
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'PodMonitor',
    namespaced: true,
    level: 'partial',
    note: "read by flows (and so report, trace and suggest policies): spec.selector on pod labels, spec.namespaceSelector (any, matchNames, else the monitor's own namespace), jobLabel, and per podMetricsEndpoints[] port (a container port name, which wins), portNumber, targetPort (deprecated), scheme, path and interval; the selected pods are scraped on the container ports the endpoint names (every declared port when it names none) by the pods of each Prometheus whose podMonitorSelector and podMonitorNamespaceSelector pick the monitor; relabelings and proxyUrl are not applied (named); TLS, authorization and limits are not read",
  },
  ...(['RoleBinding', 'ClusterRoleBinding'] as const).map((kind) => ({
    group: 'rbac.authorization.k8s.io',
    kind,
    namespaced: kind === 'RoleBinding',
    level: 'partial' as const,
    note: "read by flows (and so report, doctor, trace and suggest policies): subjects (kind, name, namespace; a subject without name, of another kind, or a ClusterRoleBinding's ServiceAccount without namespace is refused as the API server refuses it) — a ServiceAccount subject (a RoleBinding's without namespace in its own), a User named system:serviceaccount:NAMESPACE:NAME and the groups system:serviceaccounts and system:serviceaccounts:NAMESPACE bind ServiceAccounts, whose workloads' pods call the Kubernetes API through Service default/kubernetes; roleRef (apiGroup rbac.authorization.k8s.io, kind Role or ClusterRole — a ClusterRoleBinding's ClusterRole only — and a name, refused as the API server refuses another) is read and named in the evidence, but the rules of the role it names are not read (Role and ClusterRole are not read: any grant counts as API access), nor groups every user carries (system:authenticated)",
  })),
  ...['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].map((kind) => ({
    group: 'admissionregistration.k8s.io',
    kind,
    namespaced: false,
    level: 'partial' as const,
    note: "read by doctor (webhook-unreachable, and the default-deny advice of doctor and suggest policies): webhooks[].name, clientConfig.service (namespace, name, port — 443 when unset, as the API server defaults it — and path), clientConfig.url, failurePolicy (Fail when unset), rules[].apiGroups and resources, namespaceSelector, objectSelector and matchConditions (named, not evaluated); the API server's call to a Service is judged by whether the Service exists and exposes the port and whether Ingress NetworkPolicies admit its target port from anyone (the API server's address is not in the input); a webhook called by url is not a Service and is not judged; which requests the selectors and conditions let through and the admission itself are not modeled",
  })),
  {
    group: 'monitoring.coreos.com',
    kind: 'Prometheus',
    namespaced: true,
    level: 'partial',
    note: "built as the Prometheus Operator builds it: a StatefulSet prometheus-<name> (spec.replicas pods, 1 when unset) whose pods carry spec.podMetadata.labels and the operator's labels (app.kubernetes.io/name=prometheus, app.kubernetes.io/instance, prometheus, operator.prometheus.io/name and shard) and ports spec.portName (web) 9090, reloader-web 8080 (none with spec.listenLocal), thanos-sidecar http 10902 and grpc 10901 (with spec.thanos); spec.nodeSelector, hostNetwork and serviceAccountName; and the headless governing Service prometheus-operated; unless the input holds that StatefulSet (a dump). Its serviceMonitorSelector, podMonitorSelector (null: none; {}: all), their namespace selectors (null: its own namespace; {}: all) and ignoreNamespaceSelectors pick the ServiceMonitors and PodMonitors its pods scrape (flows); with none of the four monitor selectors its configuration is unmanaged and its scrapes are not inferred",
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'Alertmanager',
    namespaced: true,
    level: 'partial',
    note: "built as the Prometheus Operator builds it: a StatefulSet alertmanager-<name> (spec.replicas pods, 1 when unset) whose pods carry spec.podMetadata.labels and the operator's labels (app.kubernetes.io/name=alertmanager, app.kubernetes.io/instance, alertmanager) and ports spec.portName (web) 9093, mesh-tcp 9094, mesh-udp 9094/UDP, reloader-web 8080 (web and reloader-web not with spec.listenLocal); spec.nodeSelector, hostNetwork and serviceAccountName; and the headless governing Service alertmanager-operated; unless the input holds that StatefulSet (a dump)",
  },

  ...['TLSRoute', 'TCPRoute', 'UDPRoute'].map((kind) => ({
    group: 'gateway.networking.k8s.io',
    kind,
    namespaced: true,
    level: 'partial' as const,
    note: `parentRefs, ${kind === 'TLSRoute' ? 'hostnames (matched against the SNI; passthrough and terminate), ' : ''}rules[].backendRefs with weights (a kind other than Service is implementation-specific: the connection is unknown): status, get, doctor and route ${kind.slice(0, 3).toLowerCase()}://… (a route's rules[0] when it has several); serve gateway --l4-listen carries TCP and TLS passthrough on loopback (not UDP, not TLS terminate)`,
  })),
  {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    namespaced: true,
    level: 'partial',
    note: "mesh traffic (gateways absent or mesh) and Istio Gateway traffic (gateways naming ns/name or a short name; exportTo to the Gateway namespace; hosts intersected with server hosts; match gateways): hosts, http rules with match, route, redirect, directResponse, rewrite, timeout, retries, fault; tcp rules (port, sourceLabels, sourceNamespace, destinationSubnets; at a gateway only port and gateways, as istiod) and tls rules (sniHosts) with weighted destinations (route --via mesh and --via istio-gateway, trace, test); exportTo (a sidecar uses only the VirtualServices exported to its namespace; empty takes meshConfig.defaultVirtualServiceExportTo from the istio ConfigMap or an IstioOperator, else `*` with a note); delegation followed as istiod merges a root rule with its delegate's rules",
  },
  {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    namespaced: true,
    level: 'partial',
    note: "host and subsets by labels; exportTo as istiod looks rules up (a rule applies to a client's traffic only when exported to its namespace; empty takes meshConfig.defaultDestinationRuleExportTo from the istio ConfigMap or an IstioOperator, else `*` with a note); trafficPolicy (load balancer, TLS mode, connection pool, outlier detection) is shown, not applied",
  },
  {
    group: 'networking.istio.io',
    kind: 'ServiceEntry',
    namespaced: true,
    level: 'partial',
    note: "hosts, addresses, ports (number, targetPort), location, resolution, endpoints and workloadSelector (pods and WorkloadEntries), exportTo (empty takes meshConfig.defaultServiceExportTo from the istio ConfigMap or an IstioOperator, else `*` with a note): route --via mesh, trace and test route a meshed Istio client to the entry (and a VirtualService naming its host); the profile's mesh.outboundTrafficPolicy (REGISTRY_ONLY: 502 for undeclared hosts; ALLOW_ANY, the default: passthrough); reach under REGISTRY_ONLY is unknown for addresses no entry declares; subjectAltNames and DNS proxying are not modeled",
  },
  {
    group: 'networking.istio.io',
    kind: 'Gateway',
    namespaced: true,
    level: 'partial',
    note: 'selector (pods in any namespace), servers[].port (number as the gateway Service port or its targetPort, protocol), hosts with ns/ prefix and wildcards, tls.mode SIMPLE/MUTUAL/OPTIONAL_MUTUAL/ISTIO_MUTUAL (credentialName Secret looked up in the gateway pod namespace), tls.httpsRedirect (301), PASSTHROUGH (VirtualService tls rules by SNI), AUTO_PASSTHROUGH (SNI outbound_.PORT_.SUBSET_.HOST), TCP servers (tcp rules): route --via istio-gateway and trace from outside; doctor: selector matching no pod, servers no VirtualService binds',
  },
  {
    group: 'install.istio.io',
    kind: 'IstioOperator',
    namespaced: true,
    level: 'partial',
    note: "only spec.meshConfig's exportTo defaults (defaultVirtualServiceExportTo, defaultDestinationRuleExportTo, defaultServiceExportTo), read when the root namespace's istio ConfigMap (key mesh, which istiod reads and which is preferred) is not in the input; every other field is ignored",
  },
  {
    group: 'networking.istio.io',
    kind: 'WorkloadEntry',
    namespaced: true,
    level: 'partial',
    note: "address, labels and ports (by service port name): a ServiceEntry's workloadSelector picks it in its namespace as it picks pods (route --via mesh, trace, test); a Kubernetes Service whose selector picks it (Istio adds it to the Service's endpoints) makes a sidecar client's route unknown; network, locality, weight and serviceAccount are not read",
  },
  {
    group: 'networking.istio.io',
    kind: 'Sidecar',
    namespaced: true,
    level: 'partial',
    note: "which Sidecar a proxy takes (one whose workloadSelector picks it, else its namespace's without selector, else the root namespace's), egress hosts (namespace/dnsName with ., *, ~ and wildcard names), egress port and outboundTrafficPolicy.mode: a meshed client's request for a Service, ServiceEntry host or VirtualService its Sidecar does not import goes to the PassthroughCluster (ALLOW_ANY: plaintext to the address dialed, no routes, no mTLS) or the BlackHoleCluster (REGISTRY_ONLY: 502, connection reset) in route --via mesh, trace, reach and test; egress bind and captureMode, outboundTrafficPolicy.egressProxy and ingress listeners are not modeled (answers they can change say unknown); inboundConnectionPool is ignored",
  },
  ...['EnvoyFilter', 'WorkloadGroup', 'ProxyConfig'].map((kind) => ({
    group: 'networking.istio.io',
    kind,
    namespaced: true,
    level: 'planned' as const,
    note: 'kept in the model; not modeled yet: answers it could change do not account for it',
  })),
  {
    group: 'security.istio.io',
    kind: 'PeerAuthentication',
    namespaced: true,
    level: 'modeled',
    note: 'mtls.mode and portLevelMtls by workload, namespace and root namespace (UNSET inherits; PERMISSIVE by default) with auto mTLS: a plaintext client to a STRICT port of a sidecar is refused (reach, test, trace); at an Istio ambient pod ztunnel enforces it too (DISABLE is PERMISSIVE there; the port-level case istiod converts differently for ztunnel is unknown); a pod an Istio Gateway selects runs the gateway proxy, which PeerAuthentication does not govern (its Gateway servers set the TLS it accepts)',
  },
  {
    group: 'security.istio.io',
    kind: 'AuthorizationPolicy',
    namespaced: true,
    level: 'partial',
    note: "ALLOW, DENY and AUDIT with from.source (principals, namespaces, serviceAccounts, ipBlocks, remoteIpBlocks and not forms), to.operation (hosts, ports, methods, paths) and when (source.ip, remote.ip, source.namespace, source.principal, destination.ip, destination.port, request.headers); CUSTOM, targetRefs, requestPrincipals, path templates and other when keys make the answer unknown. At an Istio ambient pod, ztunnel enforces the ALLOW and DENY policies on L4 attributes (an ALLOW rule with HTTP attributes never matches; a DENY rule is enforced without them, unknown where that leaves a part empty). At the Istio ingress gateway and a Gateway API Gateway of class istio (trace from outside) the policies selecting its pods judge the request before its routes (403), against the address the gateway pod sees: kube-proxy's masquerade address with externalTrafficPolicy Cluster (addresses with different verdicts: unknown), the client's with Local",
  },
  {
    group: 'security.istio.io',
    kind: 'RequestAuthentication',
    namespaced: true,
    level: 'planned' as const,
    note: 'kept in the model; JWT validation is not modeled: answers it could change say unknown',
  },
  {
    group: 'linkerd.io',
    kind: 'ServiceProfile',
    namespaced: true,
    level: 'partial',
    note: 'routes (condition method, pathRegex, all, any, not), timeout and isRetryable with the retryBudget, shown on route --via mesh answers (Linkerd); unknown route fields reported; dstOverrides not modeled',
  },
  ...(
    [
      [
        'Server',
        'partial',
        'podSelector and port (number or container port name): a Server denies its pod port to every client no authorization admits (reach, test, trace, matrix); proxyProtocol shown; v1beta3 accessPolicy read; externalWorkloadSelector not modeled',
      ],
      [
        'ServerAuthorization',
        'modeled',
        'server (name or selector over Server labels), client (unauthenticated, meshTLS identities with * and *. wildcards, serviceAccounts, unauthenticatedTLS) and networks with except; without networks, a source outside the cluster networks is unknown',
      ],
      [
        'AuthorizationPolicy',
        'modeled',
        'targetRef Server, HTTPRoute (policy.linkerd.io or gateway.networking.k8s.io), GRPCRoute or its Namespace; every requiredAuthenticationRef (MeshTLSAuthentication, NetworkAuthentication, ServiceAccount) must hold; refs match by group and kind together, ASCII case aside (an absent group is core), another group/kind is an error; a missing ref makes Linkerd ignore the policy; none: unknown',
      ],
      [
        'MeshTLSAuthentication',
        'modeled',
        'identities (*, *.domain, exact) and identityRefs to ServiceAccounts or to Namespaces (every ServiceAccount of the namespace named); another group/kind is an error; a ref without name (the CRD: every object of the kind; the policy controller requires a name) makes meshed clients unknown',
      ],
      ['NetworkAuthentication', 'modeled', 'networks: cidr with except'],
      [
        'EgressNetwork',
        'partial',
        "networks (cidr with except; none: every address outside the cluster networks) and trafficPolicy for a meshed client's connection to an outside address (reach, test, trace): the client namespace's EgressNetworks first, else the global egress namespace linkerd-egress's; Deny with no HTTPRoute, GRPCRoute, TLSRoute or TCPRoute attached on the port refuses it, Allow lets it through; with routes attached, trace judges a URL: one route kind is served per port (GRPCRoute, then HTTPRoute, TLSRoute, TCPRoute), an http:// request meets the HTTPRoutes (hostnames, matches, Gateway API precedence) and then the trafficPolicy default (Deny: 403), an https:// handshake meets the TLSRoutes by SNI (Deny: closed) or, under HTTPRoutes, the opaque default, a TCPRoute takes every connection; a matched rule without backendRefs or to the EgressNetwork forwards to the address, a Service backendRef, a filter or GRPCRoutes are unknown; reach (no protocol) with routes attached and two EgressNetworks capturing one address are unknown; route --via mesh to an outside host is not modeled",
      ],
      [
        'HTTPRoute',
        'partial',
        'parented to a Server: the route a request matches (Gateway API matches and precedence) picks its AuthorizationPolicies, no match answers 404; parented to a Service: routes like a GAMMA HTTPRoute (route --via mesh, trace)',
      ],
    ] as const
  ).map(([kind, level, note]) => ({
    group: 'policy.linkerd.io',
    kind,
    namespaced: true,
    level,
    note,
  })),
  {
    group: 'k8s.otterize.com',
    kind: 'ClientIntents',
    namespaced: true,
    level: 'modeled',
    note: 'read as declared flows by trace, doctor and report',
  },
  ...ciliumKinds,
];

/** Kinds that carry no networking meaning; accepted silently (no `unknown-kind` note). */
export const quietKinds: readonly string[] = [
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'PodDisruptionBudget',
  'LimitRange',
  'ResourceQuota',
  'CustomResourceDefinition',
];

/** What an object of another tool can change: whether a connection is admitted, or where a request goes. */
export type TrafficEffect = 'connectivity' | 'routing';

/**
 * A kind kubetwin does not model whose objects change connectivity or routing (another CNI's policies, a service
 * mesh, another router). Such objects are kept in the model (`others`) and every answer they could change says so:
 * `reach`/`test` say unknown, `trace`/`route` carry a note, `matrix`/`report`/`doctor` warn
 * (src/analysis/unmodeled). A kind stops counting as soon as `kinds` above lists it at `modeled` or `partial`:
 * the analysis that models it then answers for it.
 */
export interface TrafficKind {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly affects: readonly TrafficEffect[];
  /**
   * Whether it can admit a connection that NetworkPolicies deny (another CNI's allow rules in an earlier tier, a
   * mesh route sending the request elsewhere). When false it can only deny more, so a DENIED verdict stands.
   */
  readonly admits: boolean;
  /** Namespaced objects that apply to every namespace by default (Istio `exportTo` defaults to `*`). */
  readonly exported?: boolean;
  /** Objects in this namespace apply cluster-wide (a mesh's root namespace). */
  readonly rootNamespace?: string;
  /** It changes only connections to addresses outside the cluster (an egress control): not pod-to-pod ones. */
  readonly outsideOnly?: boolean;
  readonly note: string;
}

const calico = (kind: string, namespaced: boolean, note: string): TrafficKind[] =>
  ['projectcalico.org', 'crd.projectcalico.org'].map((group) => ({
    group,
    kind,
    namespaced,
    affects: ['connectivity'],
    admits: true,
    note: `Calico: ${note}`,
  }));
const traefik = (kind: string, note: string): TrafficKind[] =>
  ['traefik.io', 'traefik.containo.us'].map((group) => ({
    group,
    kind,
    namespaced: true,
    affects: ['routing'],
    admits: true,
    note: `Traefik: ${note}`,
  }));
const istio = (
  group: string,
  kind: string,
  affects: readonly TrafficEffect[],
  admits: boolean,
  note: string,
  exported = false,
): TrafficKind => ({
  group,
  kind,
  namespaced: true,
  affects,
  admits,
  ...(exported ? { exported } : {}),
  rootNamespace: 'istio-system',
  note: `Istio: ${note}`,
});
const linkerd = (kind: string, affects: readonly TrafficEffect[], admits: boolean, note: string) => ({
  group: kind === 'ServiceProfile' ? 'linkerd.io' : 'policy.linkerd.io',
  kind,
  namespaced: true,
  affects,
  admits,
  note: `Linkerd: ${note}`,
});
const both: readonly TrafficEffect[] = ['connectivity', 'routing'];

/** Kinds that change traffic and are not modeled (see `TrafficKind`). Sources: each project's API reference. */
export const trafficKinds: readonly TrafficKind[] = [
  ...calico('NetworkPolicy', true, 'ordered allow/deny/pass rules for the endpoints of its namespace'),
  ...calico('GlobalNetworkPolicy', false, 'ordered allow/deny/pass rules for every endpoint and host'),
  ...calico('NetworkSet', true, 'addresses that Calico policies select by label'),
  ...calico('GlobalNetworkSet', false, 'addresses that Calico policies select by label'),
  ...calico('Tier', false, 'the order in which policy tiers are evaluated'),
  ...calico('HostEndpoint', false, 'host interfaces that GlobalNetworkPolicies protect'),
  ...[
    ['NetworkPolicy', true, 'tiered allow/drop/reject/pass rules for the pods of its namespace'],
    ['ClusterNetworkPolicy', false, 'tiered allow/drop/reject/pass rules for any pod'],
    ['Tier', false, 'the order in which policy tiers are evaluated'],
    ['ClusterGroup', false, 'pods, namespaces and addresses that Antrea policies name'],
    ['Group', true, 'pods and addresses that Antrea policies name'],
  ].map(([kind, namespaced, note]) => ({
    group: 'crd.antrea.io',
    kind: kind as string,
    namespaced: namespaced as boolean,
    affects: ['connectivity'] as const,
    admits: true,
    note: `Antrea: ${note as string}`,
  })),
  {
    group: 'cilium.io',
    kind: 'CiliumNetworkPolicy',
    namespaced: true,
    affects: ['connectivity'],
    admits: true,
    note: 'Cilium: L3/L4/L7 allow and deny rules for the endpoints of its namespace',
  },
  {
    group: 'cilium.io',
    kind: 'CiliumClusterwideNetworkPolicy',
    namespaced: false,
    affects: ['connectivity'],
    admits: true,
    note: 'Cilium: L3/L4/L7 allow and deny rules for any endpoint or node',
  },
  istio(
    'networking.istio.io',
    'VirtualService',
    both,
    true,
    'routes, rewrites, faults and retries for its hosts',
    true,
  ),
  istio(
    'networking.istio.io',
    'DestinationRule',
    both,
    true,
    'subsets, TLS mode and load balancing of its host',
    true,
  ),
  istio('networking.istio.io', 'ServiceEntry', both, true, 'hosts the mesh adds to its registry', true),
  istio(
    'networking.istio.io',
    'Gateway',
    ['routing'],
    true,
    'listeners of the Istio ingress and egress gateways',
  ),
  istio('networking.istio.io', 'EnvoyFilter', both, true, 'arbitrary changes to the Envoy configuration'),
  istio(
    'security.istio.io',
    'PeerAuthentication',
    ['connectivity'],
    false,
    'mTLS mode (STRICT refuses plaintext)',
  ),
  istio(
    'security.istio.io',
    'AuthorizationPolicy',
    ['connectivity'],
    false,
    'ALLOW/DENY/CUSTOM request authorization',
  ),
  istio(
    'security.istio.io',
    'RequestAuthentication',
    ['connectivity'],
    false,
    'requests with an invalid JWT are refused',
  ),
  linkerd('Server', ['connectivity'], false, 'a port of its pods whose inbound policy applies'),
  linkerd('ServerAuthorization', ['connectivity'], false, 'which clients a Server admits'),
  linkerd('AuthorizationPolicy', ['connectivity'], false, 'which clients a Server or route admits'),
  linkerd('MeshTLSAuthentication', ['connectivity'], false, 'mesh identities an AuthorizationPolicy admits'),
  linkerd('NetworkAuthentication', ['connectivity'], false, 'networks an AuthorizationPolicy admits'),
  linkerd('HTTPRoute', both, true, 'per-route authorization and routing'),
  linkerd('ServiceProfile', both, true, 'routes, retries, timeouts and traffic splits (dstOverrides)'),
  // Linkerd 2.17 egress: an EgressNetwork captures its namespace's meshed clients' traffic to outside networks
  // (every namespace's from the global egress namespace, linkerd-egress by default); `trafficPolicy: Deny`
  // blocks what no route attached to it describes. https://linkerd.io/2.17/reference/egress-network/
  {
    ...linkerd(
      'EgressNetwork',
      both,
      false,
      "meshed clients' traffic to networks outside the cluster (trafficPolicy Deny blocks what no attached route describes); in the global egress namespace linkerd-egress it applies to every namespace",
    ),
    rootNamespace: 'linkerd-egress',
    outsideOnly: true,
  },
  // SMI TrafficSplit: the traffic-split API of Linkerd's linkerd-smi extension and Open Service Mesh; a client's proxy
  // sends requests for spec.service to spec.backends by weight. https://github.com/servicemeshinterface/smi-spec/blob/main/apis/traffic-split/v1alpha4/traffic-split.md
  {
    group: 'split.smi-spec.io',
    kind: 'TrafficSplit',
    namespaced: true,
    affects: ['routing'],
    admits: false,
    note: "SMI: a mesh client's requests for spec.service go to spec.backends by weight",
  },
  {
    group: 'network.openshift.io',
    kind: 'EgressNetworkPolicy',
    namespaced: true,
    affects: ['connectivity'],
    admits: false,
    note: 'OpenShift SDN: egress firewall of its namespace',
  },
  {
    group: 'k8s.ovn.org',
    kind: 'EgressFirewall',
    namespaced: true,
    affects: ['connectivity'],
    admits: false,
    note: 'OVN-Kubernetes: egress firewall of its namespace',
  },
  // Other ingress controllers' own routing APIs: each serves the hosts and Services its spec names, beside (or
  // instead of) Ingress and Gateway API. https://projectcontour.io/docs/main/config/api/ (HTTPProxy),
  // https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/,
  // https://docs.konghq.com/kubernetes-ingress-controller/latest/reference/custom-resources/,
  // https://www.getambassador.io/docs/emissary/latest/topics/using/intro-mappings,
  // https://apisix.apache.org/docs/ingress-controller/concepts/apisix_route/,
  // https://opensource.zalando.com/skipper/kubernetes/routegroups/, https://docs.solo.io/gloo-edge/latest/
  ...(
    [
      [
        'projectcontour.io',
        'HTTPProxy',
        'Contour: HTTP routes with includes, conditions and weighted services',
      ],
      ['projectcontour.io', 'TLSCertificateDelegation', 'Contour: certificates one namespace lends another'],
      [
        'k8s.nginx.org',
        'VirtualServer',
        'NGINX Ingress Controller: HTTP routes, splits and matches of a host',
      ],
      ['k8s.nginx.org', 'VirtualServerRoute', 'NGINX Ingress Controller: routes a VirtualServer delegates'],
      ['k8s.nginx.org', 'TransportServer', 'NGINX Ingress Controller: TCP, UDP and TLS passthrough routes'],
      [
        'k8s.nginx.org',
        'Policy',
        'NGINX Ingress Controller: access control, rate limits and auth of the routes naming it',
      ],
      [
        'configuration.konghq.com',
        'KongIngress',
        'Kong: proxy, route and upstream overrides of an Ingress or Service',
      ],
      [
        'configuration.konghq.com',
        'KongPlugin',
        'Kong: a plugin (auth, IP restriction, rate limiting…) of the objects annotated with it',
      ],
      ['configuration.konghq.com', 'TCPIngress', 'Kong: TCP and TLS routes'],
      ['configuration.konghq.com', 'UDPIngress', 'Kong: UDP routes'],
      [
        'getambassador.io',
        'Mapping',
        'Emissary-ingress: HTTP routes from a prefix and hostname to a service',
      ],
      ['getambassador.io', 'TCPMapping', 'Emissary-ingress: TCP routes'],
      [
        'getambassador.io',
        'Host',
        'Emissary-ingress: the hostnames, TLS and insecure-request action it serves',
      ],
      ['apisix.apache.org', 'ApisixRoute', 'Apache APISIX: HTTP and stream routes with plugins'],
      ['apisix.apache.org', 'ApisixUpstream', 'Apache APISIX: load balancing and health checks of a Service'],
      ['zalando.org', 'RouteGroup', 'Skipper: routes with predicates, filters and weighted backends'],
      ['gateway.solo.io', 'VirtualService', 'Gloo Edge: HTTP routes of a domain'],
      ['gateway.solo.io', 'RouteTable', 'Gloo Edge: routes a VirtualService delegates'],
    ] as const
  ).map(([group, kind, note]) => ({
    group,
    kind,
    namespaced: true,
    affects: ['routing'] as const,
    admits: true,
    note,
  })),
  {
    group: 'configuration.konghq.com',
    kind: 'KongClusterPlugin',
    namespaced: false,
    affects: ['routing'],
    admits: true,
    note: 'Kong: a cluster-wide plugin (global, or of the objects annotated with it)',
  },
  ...traefik('IngressRouteTCP', 'TCP routes of the Traefik router'),
  ...traefik('IngressRouteUDP', 'UDP routes of the Traefik router'),
  ...traefik('TraefikService', 'weighted and mirrored backends of Traefik routes'),
  ...(
    [
      ['MeshTrafficPermission', ['connectivity'], false, 'which services may call which'],
      ['MeshHTTPRoute', both, true, 'HTTP routing between services'],
      ['MeshTCPRoute', both, true, 'TCP routing between services'],
    ] as const
  ).map(([kind, affects, admits, note]) => ({
    group: 'kuma.io',
    kind,
    namespaced: true,
    affects,
    admits,
    rootNamespace: 'kuma-system',
    note: `Kuma: ${note}`,
  })),
  ...(
    [
      ['TrafficPermission', ['connectivity'], false, 'which services may call which (legacy policy)'],
      ['TrafficRoute', both, true, 'routing between services (legacy policy)'],
    ] as const
  ).map(([kind, affects, admits, note]) => ({
    group: 'kuma.io',
    kind,
    namespaced: false,
    affects,
    admits,
    note: `Kuma: ${note}`,
  })),
  ...(
    [
      ['ServiceIntentions', ['connectivity'], false, 'which services may call which'],
      ['ServiceRouter', both, true, 'HTTP routing to a service'],
      ['ServiceSplitter', both, true, 'traffic splits of a service'],
      ['ServiceResolver', both, true, 'subsets, redirects and failover of a service'],
    ] as const
  ).map(([kind, affects, admits, note]) => ({
    group: 'consul.hashicorp.com',
    kind,
    namespaced: true,
    affects,
    admits,
    exported: true,
    note: `Consul: ${note}`,
  })),
];

/** A traffic kind's catalogue row when `kinds` does not list it: kept, not modeled. */
function trafficKindRow(kind: string, group: string): KindSupport | undefined {
  const t = trafficKinds.find((k) => k.kind === kind && k.group === group);
  return t && { group, kind, namespaced: t.namespaced, level: 'ignored', note: `not modeled; ${t.note}` };
}

/**
 * The traffic kind behind `kind`/`group` while kubetwin does not model it: undefined once `kinds` lists it at
 * `modeled` or `partial` (the kind's own analysis answers for it then).
 */
export function unmodeledTrafficKind(
  kind: string,
  group: string,
  listed: readonly KindSupport[] = kinds,
): TrafficKind | undefined {
  const level = listed.find((k) => k.kind === kind && k.group === group)?.level;
  if (level === 'modeled' || level === 'partial') return undefined;
  return trafficKinds.find((k) => k.kind === kind && k.group === group);
}

export const fields: readonly FieldSupport[] = [
  ...(
    [
      ['ServiceMonitor', 'spec.endpoints'],
      ['PodMonitor', 'spec.podMetricsEndpoints'],
    ] as const
  ).flatMap(([kind, list]) => [
    {
      kind,
      path: `${list}.*.relabelings`,
      level: 'partial' as const,
      note: 'action and targetLabel read, not applied: a keep, drop, keepequal, dropequal, hashmod or labelmap rule, or one writing a __ label (__address__), may change which targets Prometheus scrapes; the scrape flows kubetwin infers assume none does and say so (medium confidence)',
    },
    {
      kind,
      path: `${list}.*.proxyUrl`,
      level: 'partial' as const,
      note: 'read, not followed: Prometheus connects to the proxy, not to the target; the scrape flows kubetwin infers go to the target',
    },
  ]),
  {
    kind: 'Prometheus',
    path: 'spec.additionalScrapeConfigs',
    level: 'partial' as const,
    note: "read, not followed: the Secret's configuration is not read, so the targets its jobs add are not among the scrape flows, and flows discovery says so for each such Prometheus where the input holds prometheus.io/scrape annotations (the usual reason for such jobs)",
  },
  ...['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].flatMap((kind) => [
    {
      kind,
      path: 'webhooks.*.clientConfig.url',
      level: 'partial' as const,
      note: 'read, not followed: the API server calls the URL as written, from outside the cluster network kubetwin models, so doctor does not judge whether the call lands (a Service reference is judged)',
    },
    ...['namespaceSelector', 'objectSelector', 'matchConditions'].map((field) => ({
      kind,
      path: `webhooks.*.${field}`,
      level: 'partial' as const,
      note: "not evaluated: doctor's webhook-unreachable names the requests the webhook's rules match and says that this narrows them",
    })),
  ]),
  {
    kind: 'AdminNetworkPolicy',
    path: 'spec.egress.*.to.*.domainNames',
    level: 'partial',
    note: 'read, never matched: kubetwin resolves no public name, so reach, trace and test say unknown for a connection to an address outside the cluster that reaches such an Allow rule',
  },
  {
    kind: 'PodSpec',
    path: 'affinity',
    level: 'ignored',
    note: 'scheduling spreads pods round-robin over nodes that pass nodeSelector; affinity rules are not evaluated',
    observedBy: 'placement',
  },
  {
    kind: 'PodSpec',
    path: 'tolerations',
    level: 'ignored',
    note: 'node taints are not evaluated',
    observedBy: 'placement',
  },
  ...(
    ['spec.containers', 'spec.tolerations', 'spec.affinity', 'spec.topologySpreadConstraints'] as const
  ).map((path) => ({
    kind: 'Alertmanager',
    path,
    level: 'ignored' as const,
    note:
      path === 'spec.containers'
        ? "containers merged into the operator's by name (sidecars, extra ports) are not built"
        : path === 'spec.tolerations'
          ? 'node taints are not evaluated'
          : 'scheduling spreads pods round-robin over nodes that pass nodeSelector; affinity and spread constraints are not evaluated',
  })),
  ...['nodeSelectors', 'interfaces'].map((field) => ({
    kind: 'L2Advertisement',
    path: `spec.${field}`,
    level: 'ignored' as const,
    note: 'which nodes answer ARP/NDP for the address is not modeled: the address is taken as reachable on any node',
  })),
  ...['nodeSelectors', 'peers', 'aggregationLength', 'aggregationLengthV6', 'communities', 'localPref'].map(
    (field) => ({
      kind: 'BGPAdvertisement',
      path: `spec.${field}`,
      level: 'ignored' as const,
      note: 'BGP sessions and route attributes are not modeled: the announced address is taken as routed to the cluster',
    }),
  ),
  {
    kind: 'Service',
    path: 'metadata.annotations["lbipam.cilium.io/sharing-key"]',
    level: 'partial',
    note: 'Services of one namespace requesting one address keep it only with the same key; sharing across namespaces and the port checks are not modeled',
  },
  {
    kind: 'Service',
    path: 'metadata.annotations["metallb.io/allow-shared-ip"]',
    level: 'partial',
    note: 'two Services requesting one address keep it only with the same key; the port and backend checks of sharing are not modeled',
  },
  {
    kind: 'Prometheus',
    path: 'spec.shards',
    level: 'partial',
    note: 'only shard 0 is built (StatefulSet prometheus-<name>); the other shards run pods with the same labels but operator.prometheus.io/shard',
  },
  {
    kind: 'Prometheus',
    path: 'spec.containers',
    level: 'ignored',
    note: "containers merged into the operator's by name (sidecars, extra ports) are not built",
  },
  {
    kind: 'Prometheus',
    path: 'spec.initContainers',
    level: 'ignored',
    note: 'init containers do not serve traffic',
  },
  { kind: 'Prometheus', path: 'spec.tolerations', level: 'ignored', note: 'node taints are not evaluated' },
  {
    kind: 'Prometheus',
    path: 'spec.affinity',
    level: 'ignored',
    note: 'scheduling spreads pods round-robin over nodes that pass nodeSelector; affinity rules are not evaluated',
  },
  {
    kind: 'Prometheus',
    path: 'spec.topologySpreadConstraints',
    level: 'ignored',
    note: 'scheduling spreads pods round-robin over nodes that pass nodeSelector',
  },
  {
    kind: 'PodSpec',
    path: 'containers.*.ports.*.hostPort',
    level: 'partial',
    note: "reach and trace to NODE_IP:hostPort go to the pod on that node (the CNI portmap plugin's DNAT to the containerPort, client address kept), judged by its ingress policies; hostIP binds it to that address only. The source rewrite of a connection from the node itself (hairpin) is not modeled, nor a CNI without hostPort support",
  },
  {
    kind: 'PodSpec',
    path: 'topologySpreadConstraints',
    level: 'ignored',
    note: 'pods are spread round-robin, not by these constraints',
    observedBy: 'placement',
  },
  {
    kind: 'PodSpec',
    path: 'readinessGates',
    level: 'ignored',
    note: 'pods are ready unless status says otherwise',
    observedBy: 'readiness',
  },
  {
    kind: 'PodSpec',
    path: 'containers.*.readinessProbe',
    level: 'partial',
    note: 'probes are assumed to pass: pods are ready unless status says otherwise',
    observedBy: 'readiness',
  },
  {
    kind: 'PodSpec',
    path: 'ephemeralContainers',
    level: 'ignored',
    note: 'their ports are not part of the pod',
  },
  {
    kind: 'Service',
    path: 'spec.loadBalancerSourceRanges',
    level: 'partial',
    note: 'reach and trace to a load-balancer address drop sources outside the ranges (per family, as kube-proxy does; a pod dials from its own address); node ports and externalIPs are not filtered, as kube-proxy does not filter them',
  },
  {
    kind: 'Service',
    path: 'metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"]',
    level: 'partial',
    note: "read when spec.loadBalancerSourceRanges is empty, as the cloud controllers read it (GetLoadBalancerSourceRanges): reach and trace from outside the cluster to the load-balancer address or hostname drop sources outside the comma-separated ranges; a pod's connection to the load-balancer address, which kube-proxy takes and filters by the spec field only, is not filtered by it; an entry that is not a CIDR is an invalid-field error",
  },
  ...[
    'service.beta.kubernetes.io/aws-load-balancer-scheme',
    'service.beta.kubernetes.io/aws-load-balancer-internal',
    'service.beta.kubernetes.io/aws-load-balancer-type',
    'networking.gke.io/load-balancer-type',
    'cloud.google.com/load-balancer-type',
    'service.beta.kubernetes.io/azure-load-balancer-internal',
  ].map((key): FieldSupport => ({
    kind: 'Service',
    path: `metadata.annotations[${JSON.stringify(key)}]`,
    level: 'partial',
    note: 'decides whether the cloud load balancer is internal (private addresses of the VPC or VNet) or internet-facing, as the AWS Load Balancer Controller (type external or nlb-ip: aws-load-balancer-scheme, else the boolean aws-load-balancer-internal, else undetermined: a new NLB is internal, an existing one keeps its scheme), the AWS in-tree controller (aws-load-balancer-internal other than "false"), GKE (load-balancer-type Internal) and AKS (azure-load-balancer-internal "true") read it: reach and trace from a public address to the load-balancer address or hostname of an internal one are denied, and unknown where the scheme is undetermined; a private client outside the cluster is judged as before (whether it is in the cloud network is not in the input). Other load-balancer annotations (subnets, global access, EIPs, security groups) are not read',
  })),

  ...[
    'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type',
    'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes',
  ].map((key): FieldSupport => ({
    kind: 'Service',
    path: `metadata.annotations[${JSON.stringify(key)}]`,
    level: 'partial',
    note: "for a Service the AWS Load Balancer Controller serves (aws-load-balancer-type external or nlb-ip, or class service.k8s.aws/nlb): target type ip (nlb-ip implies it) makes the NLB connect to the pod addresses itself — trace and endpoints from outside skip the node port and kube-proxy (externalTrafficPolicy and topology do not apply) and the pods see the NLB's private address, so a trace to pods whose ingress policies decide by source is unknown; only preserve_client_ip.enabled is read from the target group attributes (it keeps the client address; default off for ip targets, on for instance). Instance targets (the default) go through the node port as any LoadBalancer Service",
  })),
  ...[
    'alb.ingress.kubernetes.io/group.name',
    'alb.ingress.kubernetes.io/group.order',
    'alb.ingress.kubernetes.io/listen-ports',
    'alb.ingress.kubernetes.io/ssl-redirect',
    'alb.ingress.kubernetes.io/certificate-arn',
  ].map((key): FieldSupport => ({
    kind: 'Ingress',
    path: `metadata.annotations[${JSON.stringify(key)}]`,
    level: 'partial',
    note: 'read by the alb controller profile (IngressClass controller ingress.k8s.aws/alb, or kubernetes.io/ingress.class: alb): group.name merges Ingresses into one ALB, group.order orders them, listen-ports (default HTTP:80, HTTPS:443 with certificate-arn or spec.tls) decides which listeners their rules attach to, ssl-redirect answers HTTP with a 301 to HTTPS; the certificate itself (ACM) is not checked. IngressClassParams, which can set the group and scheme, are not read',
  })),
  ...['alb.ingress.kubernetes.io/actions.*', 'alb.ingress.kubernetes.io/conditions.*'].map(
    (key): FieldSupport => ({
      kind: 'Ingress',
      path: `metadata.annotations[${JSON.stringify(key)}]`,
      keyPattern: true,
      level: 'partial',
      note: 'not modeled: an answer whose matching ALB rule has a use-annotation backend (actions: weighted forward, redirect, fixed response) or extra conditions (header, method, query, source address) names it as unknown',
    }),
  ),
  ...[
    'alb.ingress.kubernetes.io/scheme',
    'alb.ingress.kubernetes.io/target-type',
    'alb.ingress.kubernetes.io/inbound-cidrs',
    'alb.ingress.kubernetes.io/security-groups',
  ].map((key): FieldSupport => ({
    kind: 'Ingress',
    path: `metadata.annotations[${JSON.stringify(key)}]`,
    level: 'partial',
    note: "read when trace (or reach, rule reach-through-load-balancer) follows a request from outside to the ALB's address (the Ingress's status.loadBalancer, from a dump): scheme (internal by default; an ALB DNS name starting internal- is internal whatever the annotation says) denies public clients of an internal ALB; inbound-cidrs (default 0.0.0.0/0, ::/0) drops sources outside them; security-groups makes which sources pass unknown; target-type (the Service's annotation first; instance by default) sends to the Service's NodePort on the nodes or to the pod addresses, and the pods see the ALB's or a node's address, so a verdict at pods whose ingress policies decide by source is unknown. Without a status address the ALB is not reached, and route answers name these as applying at the controller",
  })),
  {
    kind: 'IngressClass',
    path: 'spec.parameters',
    level: 'partial',
    note: "read for a class of the AWS Load Balancer Controller: its IngressClassParams, which kubetwin does not read, can set the scheme, inbound CIDRs, group and target type of the class's ALBs, so trace from outside to such an ALB's address is unknown (a drop included); other controllers' parameters are not read",
  },
  {
    kind: 'Service',
    path: 'metadata.annotations["alb.ingress.kubernetes.io/target-type"]',
    level: 'partial',
    note: "on a backend Service of an ALB Ingress it wins over the Ingress's annotation (the controller's rule): instance sends to the Service's NodePort on the nodes, ip to the pod addresses, when trace follows a request from outside to the ALB's address",
  },
  {
    kind: 'Service',
    path: 'metadata.annotations["cloud.google.com/neg"]',
    level: 'partial',
    note: '"ingress": true serves the Service to a GKE Ingress (class gce or gce-internal) through network endpoint groups: trace from outside to the Ingress\'s status address reaches the pod addresses directly, from the Google Front Ends or the proxy-only subnet; without it the load balancer goes through the nodes\' NodePort. exposed_ports (standalone NEGs) are not read',
  },
  ...(['Ingress', 'Service'] as const).map((kind): FieldSupport => ({
    kind,
    path: 'metadata.annotations["alb.ingress.kubernetes.io/backend-protocol"]',
    level: 'partial',
    note: "the protocol an AWS ALB speaks to its targets (HTTP unless HTTPS; the Service's annotation wins over the Ingress's): read when trace follows a request from outside through the ALB to an Istio ingress gateway, whose Gateway server is matched over it (rule cloud-load-balancer-to-istio-gateway); the ALB's TLS to other targets is not modeled",
  })),
  {
    kind: 'Service',
    path: 'metadata.annotations["cloud.google.com/app-protocols"]',
    level: 'partial',
    note: "the protocol a GKE Ingress's load balancer speaks to each named port (HTTP unless HTTPS or HTTP2): read when trace follows a request from outside through the load balancer to an Istio ingress gateway, whose Gateway server is matched over it (rule cloud-load-balancer-to-istio-gateway); the load balancer's TLS to other backends is not modeled",
  },
  {
    kind: 'Service',
    path: 'spec.loadBalancerClass',
    level: 'partial',
    note: "with MetalLB's IPAddressPools in the input, a Service with a class is not given a MetalLB address and its address is said to be undetermined (MetalLB serves it only when run with --lb-class); otherwise a LoadBalancer is given the profile's address or stays <pending>. service.k8s.aws/nlb (the AWS Load Balancer Controller) and GKE's networking.gke.io/l4-regional-internal / -external decide whether the load balancer is internal (see the scheme annotations)",
  },
  {
    kind: 'Service',
    path: 'metadata.labels["service.kubernetes.io/service-proxy-name"]',
    level: 'partial',
    note: 'kube-proxy ignores a Service with this label (another proxy serves it): reach and trace through its ClusterIP, externalIPs or load-balancer address are unknown; a headless Service, which has no virtual IP, is not affected',
  },
  ...['service.kubernetes.io/topology-mode', 'service.kubernetes.io/topology-aware-hints'].map(
    (key): FieldSupport => ({
      kind: 'Service',
      path: `metadata.annotations[${JSON.stringify(key)}]`,
      level: 'partial',
      note: "Auto (or auto) hands the hints to the EndpointSlice controller's topology cache, which allocates endpoints to zones by each zone's allocatable CPU (node CPU is not modeled): for slices kubetwin computes, which endpoints a client uses is unknown (endpoints, trace; reach when the endpoints disagree); the hints of slices in the input (a dump) are followed. It takes precedence over spec.trafficDistribution, as upstream",
    }),
  ),
  {
    kind: 'Node',
    path: 'spec.providerID',
    level: 'partial',
    note: "a Compute Engine (gce://) or EC2 (aws://) providerID gives the nodes' own DNS search domains (profile nodeSearchDomains, inferred), which kubelet appends to ClusterFirst pods' search lists; other providers are not read",
  },
  {
    kind: 'Node',
    path: 'spec.taints',
    level: 'ignored',
    note: 'taints do not keep pods off nodes in the model',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.mirror',
    level: 'partial',
    note: "route answers carry it as data (the destination resolved to its workloads, and mirrorPercentage: absent 100%, 0 no copy) and trace shows it as an info side hop; the copy is fire-and-forget, so it never changes the answer; trace follows the copy's own path from the client sidecar or the Istio ingress gateway pod to the mirror's endpoints (NetworkPolicy, mTLS, authorization) on the side hop",
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.mirrors',
    level: 'partial',
    note: "each destination carried on route answers as data with its percentage (absent: 100%) and shown by trace as an info side hop; fire-and-forget, never changing the answer; trace follows each copy's own path from the client sidecar or the Istio ingress gateway pod to its endpoints on the side hop",
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.fault.abort',
    level: 'partial',
    note: 'at 100% the sidecar answers its httpStatus; below 100% the answer names the share and trace and test (status) say unknown, since which requests abort is chance; without a percentage nothing is aborted',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.fault.delay',
    level: 'partial',
    note: 'shown on the answer; delays do not change where a request goes',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.corsPolicy',
    level: 'ignored',
    note: 'CORS is not modeled',
  },
  {
    kind: 'DestinationRule',
    path: 'spec.trafficPolicy',
    level: 'partial',
    note: "shown on route answers; tls.mode decides what a meshed client sends (DISABLE: plaintext, ISTIO_MUTUAL: mTLS, SIMPLE/MUTUAL: unknown), a portLevelSettings entry for the Service port replacing the destination level (a tls it omits is auto mTLS), and a subset with another mode makes reach unknown (reach does not route) while trace applies the mode of the subset its route picks (the subset's port-level entry, else its tls, else the rule's); load balancing, connection pools and outlier detection are not applied",
  },
  ...(
    [
      ['flannel.alpha.coreos.com/backend-type', 'flannel'],
      ['flannel.alpha.coreos.com/public-ip', 'flannel'],
      ['flannel.alpha.coreos.com/public-ip-overwrite', 'flannel'],
      ['projectcalico.org/IPv4Address', 'Calico'],
      ['projectcalico.org/IPv4IPIPTunnelAddr', 'Calico'],
      ['projectcalico.org/IPv4VXLANTunnelAddr', 'Calico'],
      ['projectcalico.org/IPv6Address', 'Calico'],
      ['projectcalico.org/IPv6VXLANTunnelAddr', 'Calico'],
    ] as const
  ).map(([annotation, cni]) => ({
    kind: 'Node',
    path: `metadata.annotations[${JSON.stringify(annotation)}]`,
    level: 'partial' as const,
    note:
      cni === 'flannel'
        ? "written by flanneld (flannel, k3s, Canal): the backend (vxlan: flannel.1's .0 of the node's pod range; wireguard: flannel-wg's; ipip: flannel.ipip's; host-gw: the node's public-ip, unless overwritten) is the address kube-proxy's masquerade gives a connection toward another node's pod (reach, trace, suggest); vxlan or ipip with DirectRouting on, or not known, keeps the uplink a candidate; an unknown backend keeps every candidate"
        : "written by calico-node: the tunnel address (tunl0, vxlan.calico) is the address kube-proxy's masquerade gives a connection toward another node's pod (reach, trace, suggest: the exact /32); no tunnel address means no encapsulation (the node's Calico address); the IPPool holding the endpoint's address (ipipMode, vxlanMode) and the nodes' subnets decide between the tunnel and the uplink (CrossSubnet: the uplink within the subnet); without an IPPool in the input, within one subnet the node address stays a candidate",
  })),
  {
    kind: 'Node',
    path: 'metadata.annotations["k3s.io/node-args"]',
    level: 'partial',
    note: "a k3s server Node's recorded command line (config file merged): --disable-network-policy (k3s enforces no NetworkPolicy), --flannel-backend none (the CNI is another one: policy answers unknown unless a known agent is found), --cluster-cidr and --service-cidr (else k3s's defaults 10.42.0.0/16 and 10.43.0.0/16 when every observed address lies in them), --cluster-dns and --cluster-domain (what kubelet gives pods; else the 10th address of the service range and cluster.local), --disable servicelb (no svclb pod carries a load-balancer connection); --disable coredns/traefik need nothing of kubetwin (it stands in no CoreDNS pod or Traefik for a dump: what is absent answers unknown); other flags (--egress-selector-mode, --disable-kube-proxy, …) are not read",
  },
  {
    kind: 'Pod',
    path: 'metadata.annotations["config.linkerd.io/opaque-ports"]',
    level: 'partial',
    note: "reach and trace: a meshed client's connection to a port listed on the server pod (or its namespace) arrives on the proxy's port 4143 (opaque transport), so NetworkPolicies are judged on 4143; a port of Linkerd's default list without the annotation is unknown there. matrix still judges the application port",
  },
  ...['traffic.sidecar.istio.io/includeInboundPorts', 'traffic.sidecar.istio.io/excludeInboundPorts'].map(
    (key): FieldSupport => ({
      kind: 'Pod',
      path: `metadata.annotations[${JSON.stringify(key)}]`,
      level: 'partial',
      note: 'Istio sidecar inbound capture, as the injector passes it to istio-iptables: includeInboundPorts (default *: every port; a comma-separated list: only those; empty: none) and excludeInboundPorts (read only under *); a port the sidecar does not capture reaches the application directly, so neither PeerAuthentication nor AuthorizationPolicy judges it (reach, trace, test, matrix), e.g. an ingress controller taking plaintext from its load balancer under mesh-wide STRICT. An entry that is not a port number makes the verdict unknown; the Helm value global.proxy.excludeInboundPorts is not in the input (taken as empty)',
    }),
  ),
  {
    kind: 'Pod',
    path: 'metadata.annotations["linkerd.io/inject"]',
    level: 'partial',
    note: "enabled and ingress inject the Linkerd proxy (disabled on the pod opts out of the namespace's); on an ingress controller, trace from outside follows what the proxy does with the request the controller sends: in the default mode it honours an endpoint address (mTLS with the controller's identity, no Service routing) and routes a ClusterIP by its Service; in ingress mode it routes by the l5d-dst-override or Host header, and a Host other than the Service's fully qualified name is unknown (the header a snippet sets is not read)",
  },
  ...['nginx.ingress.kubernetes.io/service-upstream', 'nginx.ingress.kubernetes.io/upstream-vhost'].map(
    (key): FieldSupport => ({
      kind: 'Ingress',
      path: `metadata.annotations[${JSON.stringify(key)}]`,
      level: 'partial',
      note: "read by trace from outside when the ingress-nginx pods carry a mesh proxy: without service-upstream \"true\" the controller sends to the endpoints' pod addresses (no Service routing by the proxy; Istio judges the backend as addressed by pod), with it to the ClusterIP, which the proxy routes by the Service (Istio: only when the Host it sends — upstream-vhost, else the request's — names the Service; otherwise unknown). The controller's choice of backend Service is unchanged",
    }),
  ),
  {
    kind: 'Namespace',
    path: 'metadata.annotations["config.linkerd.io/opaque-ports"]',
    level: 'partial',
    note: "read on a Service, else on its Namespace (the proxy injector copies it onto the Service): for Linkerd clients (route --via mesh, trace) a listed port or range — without any annotation Linkerd's default list 25, 587, 3306, 4444, 5432, 6379, 9300, 11211 — or a Service port with appProtocol linkerd.io/opaque is opaque TCP, so HTTPRoutes and ServiceProfile routes do not apply; another appProtocol is unknown (opaque from Linkerd 2.18)",
  },
  ...(['Ingress', 'HTTPRoute', 'Service'] as const).map((kind) => ({
    kind,
    path: 'metadata.annotations["konghq.com/plugins"]',
    level: 'partial' as const,
    note: 'Kong Ingress Controller\'s plugins (KongPlugin of the namespace, or KongClusterPlugin) on the winning Ingress or HTTPRoute and the backend Services of a route answer: kubetwin does not run them, so one that can refuse or rewrite the request (any but the logging, metrics and response-transformer plugins; disabled: true skips it), one missing from the input, and a KongClusterPlugin labelled global: "true" on a Kong-served answer make the answer unknown, naming the plugin',
  })),
  ...(['Namespace', 'Pod'] as const).map((kind) => ({
    kind,
    path: 'metadata.labels["istio.io/dataplane-mode"]',
    level: 'partial' as const,
    note: `Istio ambient mode: ambient on the pod or its namespace enrolls a pod without a sidecar in ztunnel (none on the pod opts it out; a sidecar takes precedence; host-network pods are never captured). The server's ztunnel judges connections to an ambient pod: HBONE mTLS with the client's identity from an ambient client, plaintext from a pod without a proxy; PeerAuthentication (STRICT refuses plaintext, DISABLE is PERMISSIVE) and AuthorizationPolicy on L4 attributes (an ALLOW rule with HTTP attributes never matches, a DENY rule drops them). Waypoints bound to Services are modeled (see istio.io/use-waypoint); reach, trace and test to an ambient pod bound to a waypoint of its own are unknown, as is what a sidecar client sends to an ambient pod when a rule reads its identity or the port is STRICT, and from an ambient pod to a STRICT sidecar server${kind === 'Pod' ? '' : ' (the label is read on Namespaces and Pods)'}`,
  })),
  ...(['Namespace', 'Pod', 'Service'] as const).map((kind) => ({
    kind,
    path: 'metadata.labels["istio.io/use-waypoint"]',
    level: 'partial' as const,
    note: 'an Istio ambient waypoint bound to a Service (the label on it, else its namespace; none opts a Service out): from an ambient client, reach, trace and test judge the waypoint (AuthorizationPolicies whose targetRefs name its Gateway, the Service or the istio-waypoint GatewayClass, HTTP attributes included) and then the server ztunnel, which sees the waypoint identity (its pods service account); the waypoint routes the request by the GAMMA HTTPRoutes and GRPCRoutes of the Service in its namespace, after its authorization (route --via mesh and trace from an ambient client); network policies are judged on the two connections through it (client to a waypoint pod, the waypoint pod to the server, both on 15008). Unknown: a waypoint Gateway or its pods (with network policies) missing from the input, a pod bound to its own waypoint, a client that is not ambient, consumer routes, VirtualServices and L4 routes at the waypoint, and reach to a Service whose route the waypoint follows',
  })),
  ...(['Namespace', 'Service'] as const).map((kind) => ({
    kind,
    path: 'metadata.labels["istio.io/use-waypoint-namespace"]',
    level: 'partial' as const,
    note: 'the namespace of the waypoint istio.io/use-waypoint names (absent: the labelled object namespace), read where the waypoint is modeled (Service traffic from ambient clients)',
  })),
  {
    kind: 'Gateway',
    path: 'metadata.labels["istio.io/waypoint-for"]',
    level: 'partial' as const,
    note: 'which traffic an istio-waypoint Gateway takes: service (the default) and all take traffic addressed to a Service bound to it; workload and none take none of it (traffic addressed to a pod through a waypoint stays unknown)',
  },
  {
    kind: 'Pod',
    path: 'metadata.labels["gateway.networking.k8s.io/gateway-name"]',
    level: 'partial' as const,
    note: "the pods of an Istio ambient waypoint (with istio.io/gateway-name): the first one's service account and address are what the server ztunnel sees for connections through it; for other Gateways, see the Gateway address note",
  },
  {
    kind: 'Gateway',
    group: 'networking.istio.io',
    path: 'spec.servers.*.bind',
    level: 'ignored',
    note: 'the listener address is not modeled: the gateway is taken to listen on every pod address',
  },
  {
    kind: 'Gateway',
    group: 'networking.istio.io',
    path: 'spec.servers.*.tls.subjectAltNames',
    level: 'ignored',
    note: 'client certificates are assumed valid under MUTUAL',
  },
  {
    kind: 'Gateway',
    group: 'networking.istio.io',
    path: 'spec.servers.*.tls.minProtocolVersion',
    level: 'ignored',
    note: 'TLS versions and cipher suites are not judged',
  },
  {
    kind: 'ServiceEntry',
    path: 'spec.subjectAltNames',
    level: 'ignored',
    note: "certificate SANs of the entry's endpoints are not verified",
  },
  {
    kind: 'ServiceEntry',
    path: 'spec.endpoints.*.network',
    level: 'ignored',
    note: 'multi-network meshes are not modeled',
  },
  {
    kind: 'ServiceEntry',
    path: 'spec.endpoints.*.locality',
    level: 'ignored',
    note: 'locality load balancing is not modeled',
  },
  {
    kind: 'ServiceEntry',
    path: 'spec.endpoints.*.weight',
    level: 'ignored',
    note: 'endpoint weights are not applied',
  },
  {
    kind: 'ServiceProfile',
    path: 'spec.dstOverrides',
    level: 'planned',
    note: 'traffic splits by ServiceProfile are not modeled; answers name the profile',
  },
  {
    kind: 'ServiceProfile',
    path: 'spec.routes.*.responseClasses',
    level: 'ignored',
    note: 'response classification does not change where a request goes',
  },
  {
    kind: 'ServiceProfile',
    path: 'spec.opaquePorts',
    level: 'ignored',
    note: 'opaque ports are not modeled',
  },
  {
    kind: 'Server',
    path: 'spec.externalWorkloadSelector',
    level: 'planned',
    note: 'Linkerd workloads outside Kubernetes (ExternalWorkload) are not modeled: such a Server selects no pods in kubetwin',
  },
  {
    kind: 'Server',
    path: 'spec.proxyProtocol',
    level: 'partial',
    note: 'opaque: a meshed client connects to the selected pod port through the proxy port 4143 (reach and trace judge NetworkPolicies on 4143; matrix does not); HTTPRoutes of an opaque Server are noted, not applied to TCP; other values are shown',
  },
  {
    kind: 'AuthorizationPolicy',
    path: 'spec.action',
    level: 'partial',
    note: 'ALLOW, DENY, AUDIT (logs only); CUSTOM (external authorizer) makes answers unknown at a sidecar; ztunnel (Istio ambient) does not support CUSTOM or AUDIT: no effect there',
  },
  {
    kind: 'AuthorizationPolicy',
    path: 'spec.targetRefs',
    level: 'partial',
    note: 'Istio ambient waypoints: a policy whose targetRefs name a waypoint Gateway, a Service bound to one, or the istio-waypoint GatewayClass (root namespace) is enforced at the waypoint for an ambient client (ztunnel does not enforce it); gateway attachment (other Gateways) is not modeled: answers for the pods it may govern say unknown',
  },
  {
    kind: 'AuthorizationPolicy',
    path: 'spec.rules.*.from.*.source',
    level: 'partial',
    note: 'principals, namespaces, serviceAccounts (mTLS identity from the pod service account), ipBlocks, remoteIpBlocks (no X-Forwarded-For) and their not forms; requestPrincipals need a JWT (RequestAuthentication, not modeled): unknown unless the request has no Authorization header',
  },
  {
    kind: 'AuthorizationPolicy',
    path: 'spec.rules.*.when',
    level: 'partial',
    note: 'source.ip, remote.ip, source.namespace, source.principal, destination.ip, destination.port, request.headers[…]; other keys (request.auth.*, connection.sni, experimental.*) make the answer unknown',
  },
  {
    kind: 'DestinationRule',
    path: 'spec.workloadSelector',
    level: 'partial',
    note: "matchLabels: the rule applies only to the client proxies of its own namespace whose labels it selects, before a rule for the same host without one (istiod's SidecarScope.DestinationRule), and is not visible to other namespaces; route, trace and reach from a pod apply it to that pod; doctor, which has no client, judges each group of clients (selected, the others) apart; inbound (server-side) settings ignore it, as Istio does",
  },
  {
    kind: 'Service',
    path: 'spec.ports.*.appProtocol',
    level: 'partial',
    note: 'copied to EndpointSlices; the backend protocol it tells gateways and meshes (kubernetes.io/h2c, kubernetes.io/ws, https) is not modeled: route answers name it',
  },
  ...['HTTPRoute', 'GRPCRoute'].flatMap((kind): FieldSupport[] => [
    {
      kind,
      path: 'spec.rules.*.backendRefs.*.filters',
      level: 'partial',
      note: 'header modifiers, URLRewrite and RequestMirror of one backendRef apply to the requests sent to that backend only (shown per backend); a RequestRedirect or CORS filter at this level is named on the answer and not applied; an ExtensionRef or unknown filter type makes the answer unknown',
    },
    {
      kind,
      path: 'spec.rules.*.sessionPersistence',
      level: 'ignored',
      note: 'session persistence is not modeled: each request is routed on its own',
    },
  ]),
  {
    kind: 'HTTPRoute',
    path: 'spec.rules.*.timeouts',
    level: 'partial',
    note: 'request and backendRequest timeouts are shown on route answers; kubetwin knows no backend latency, so it never answers the 504 a slower backend would get',
  },
  {
    kind: 'HTTPRoute',
    path: 'spec.rules.*.retry',
    level: 'partial',
    note: 'retries (codes, attempts, backoff) are shown on route answers; kubetwin knows no backend failure, so no retry is ever taken',
  },
  {
    kind: 'HTTPRoute',
    path: 'spec.rules.*.filters.*.requestMirror.percent',
    level: 'partial',
    note: "the share of requests copied (GEP-3171), carried on route answers with the mirror's backend (json: mirrors[].percent) and shown by trace as an info side hop; fire-and-forget, never changing the answer; with fraction too the route is refused as the API server's CEL rule does",
  },
  {
    kind: 'HTTPRoute',
    path: 'spec.rules.*.filters.*.requestMirror.fraction',
    level: 'partial',
    note: 'numerator/denominator (default 100) as a percentage, as percent is; a numerator above the denominator is refused as the CEL rule does',
  },
  {
    kind: 'HTTPRoute',
    path: 'spec.rules.*.filters.*.extensionRef',
    level: 'partial',
    note: "an implementation-specific filter (Envoy Gateway's HTTPRouteFilter, a Traefik Middleware): one whose referent (group, kind, name in the route's namespace) is not in the input answers 500, as the spec's unresolvable filter does; one that is makes the answer unknown, naming it",
  },
  {
    kind: 'Gateway',
    path: 'spec.addresses',
    level: 'partial',
    note: "IPAddress and Hostname addresses become status.addresses (assumed assignable); NamedAddress is named as unresolved; other types make the Gateway Accepted=False(UnsupportedAddress). Without any, status.addresses comes from the Service labelled gateway.networking.k8s.io/gateway-name or the profile's loadBalancers entry for the Gateway",
  },
  {
    kind: 'Gateway',
    path: 'spec.infrastructure',
    level: 'partial',
    note: 'parametersRef is checked (a dangling one makes the Gateway Accepted=False(InvalidParameters); a kind kubetwin does not read is noted as not checked); labels and annotations for the resources the controller creates are not read',
  },
  {
    kind: 'Route',
    group: 'route.openshift.io',
    path: 'spec.httpHeaders',
    level: 'ignored',
    note: 'request and response header actions are not applied: route answers name them',
  },
  {
    kind: 'Route',
    group: 'route.openshift.io',
    path: 'spec.subdomain',
    level: 'ignored',
    note: 'the host the router builds from subdomain and its ingress domain is not known; route answers name it',
  },
  {
    kind: 'Route',
    group: 'route.openshift.io',
    path: 'spec.tls.certificate',
    level: 'partial',
    note: 'its presence decides between the route certificate and the router default one; names and validity are not checked',
  },
  {
    kind: 'Route',
    group: 'route.openshift.io',
    path: 'spec.tls.key',
    level: 'ignored',
    note: 'not read: whether it matches spec.tls.certificate is not checked, so a Route whose key does not fit is answered as if its certificate were served',
  },
  {
    kind: 'Route',
    group: 'route.openshift.io',
    path: 'spec.tls.caCertificate',
    level: 'ignored',
    note: 'the chain served with the route certificate is not read; whether clients can build a path to a trusted root is not checked',
  },
  {
    kind: 'Route',
    group: 'route.openshift.io',
    path: 'spec.tls.externalCertificate',
    level: 'ignored',
    note: 'a certificate from a Secret is not read: route answers name it',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.scheme',
    level: 'ignored',
    note: 'the scheme Traefik uses towards the Service (http, https, h2c; https for port 443 or a port named https*) is not read: the answer names the Service port, not the protocol',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.passHostHeader',
    level: 'ignored',
    note: 'the Host header sent upstream is not part of a route answer',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.responseForwarding',
    level: 'ignored',
    note: 'response flushing does not change where a request goes',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.serversTransport',
    level: 'ignored',
    note: 'the TLS and timeouts towards the backend (a ServersTransport) are not read',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.sticky',
    level: 'ignored',
    note: 'sticky sessions: the answer gives the weighted share, not which backend a returning client sticks to',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.strategy',
    level: 'ignored',
    note: 'the load-balancing strategy among the endpoints (wrr, p2c) is not read: every ready endpoint is listed',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.nativeLB',
    level: 'ignored',
    note: 'Traefik sends to the ClusterIP instead of the endpoints: not read, the endpoints are listed',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.nodePortLB',
    level: 'ignored',
    note: 'Traefik sends to the node ports of a NodePort Service: not read, the endpoints are listed',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.services.*.healthCheck',
    level: 'ignored',
    note: 'active health checks (ExternalName Services only) are not run',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.routes.*.observability',
    level: 'ignored',
    note: 'access logs, metrics and tracing do not change where a request goes',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.tls.options',
    level: 'ignored',
    note: 'TLS versions, ciphers and client authentication of a TLSOption are not read',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.tls.store',
    level: 'ignored',
    note: 'the TLSStore (default certificate) is not read',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.tls.certResolver',
    level: 'ignored',
    note: 'an ACME certificate resolver is not run: the certificate it would obtain is not known (secretName is read)',
  },
  {
    kind: 'IngressRoute',
    path: 'spec.tls.domains',
    level: 'ignored',
    note: 'the domains requested from a certResolver are not read',
  },
  {
    kind: 'Middleware',
    path: 'spec.stripPrefix.forceSlash',
    level: 'ignored',
    note: 'an empty path left by stripPrefix is always sent as / (forceSlash true, the default); forceSlash false is not applied',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.authorization.rules',
    level: 'partial',
    note: 'tried in order, the first whose conditions all hold decides; action, principal.clientCIDRs and operation.methods are judged, a rule with principal.jwt, principal.headers, principal.clientIPGeoLocations, principal.clientCert, operation.path or cel makes the answer unknown unless every outcome agrees',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.cors',
    level: 'partial',
    note: 'a preflight (OPTIONS with Origin) through the policy is unknown; other requests pass it (CORS does not refuse a request)',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.basicAuth',
    level: 'ignored',
    note: 'credentials are not in the input: an answer through the policy is unknown',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.jwt',
    level: 'ignored',
    note: 'credentials are not in the input: an answer through the policy is unknown',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.oidc',
    level: 'ignored',
    note: 'credentials are not in the input: an answer through the policy is unknown',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.apiKeyAuth',
    level: 'ignored',
    note: 'credentials are not in the input: an answer through the policy is unknown',
  },
  {
    kind: 'SecurityPolicy',
    path: 'spec.extAuth',
    level: 'ignored',
    note: "the external authorization service's decision is not modeled: an answer through the policy is unknown",
  },
  {
    kind: 'Middleware',
    path: 'spec.ipAllowList.ipStrategy',
    level: 'ignored',
    note: 'which address is checked (X-Forwarded-For depth, excludedIPs) is not read: a route request carries no client address, and the allow list is named on the answer, not decided',
  },
  {
    kind: 'Middleware',
    path: 'spec.ipWhiteList.ipStrategy',
    level: 'ignored',
    note: 'as ipAllowList.ipStrategy: the allow list is named on the answer, not decided',
  },
  {
    kind: 'Middleware',
    path: 'spec.basicAuth',
    level: 'partial',
    note: 'a request without an Authorization header is answered 401; users, secret, realm, headerField and removeHeader are not read: credentials are not checked and the header sent upstream is not changed',
  },
  {
    kind: 'BackendTLSPolicy',
    path: 'spec.options',
    level: 'ignored',
    note: 'implementation-specific TLS options: named on the route answers they affect, not applied',
  },
  {
    kind: 'ListenerSet',
    path: 'spec.listeners.*.tls.options',
    level: 'ignored',
    note: 'implementation-specific TLS options (versions, ciphers) are not modeled',
  },
  {
    kind: 'XListenerSet',
    path: 'spec.listeners.*.tls.options',
    level: 'ignored',
    note: 'implementation-specific TLS options (versions, ciphers) are not modeled',
  },
  {
    kind: 'Gateway',
    path: 'spec.tls.frontend',
    level: 'partial',
    note: 'default and perPort validation: caCertificateRefs give listener status (InvalidCACertificateRef, InvalidCACertificateKind, RefNotPermitted, NoValidCACertificate); route answers name the mode and assume a valid client certificate unless told none (route --client-cert none, test entry clientCertificate); serve gateway asks clients for a certificate and validates it against the listener CAs chosen by SNI (AllowValidOnly closes the connection of a client without a valid one; a client that sends no SNI is never valid)',
  },
  {
    kind: 'Gateway',
    path: 'spec.tls.backend',
    level: 'ignored',
    note: 'the client certificate the Gateway presents to backends is not modeled',
  },
  {
    kind: 'Gateway',
    path: 'spec.listeners.*.tls.frontendValidation',
    level: 'ignored',
    note: 'client certificate validation is not modeled: route answers treat every client as presenting a valid certificate',
  },
  {
    kind: 'Gateway',
    path: 'spec.listeners.*.tls.options',
    level: 'ignored',
    note: 'implementation-specific TLS options (versions, ciphers) are not modeled',
  },
];

/** Which prefix a kind's pod spec lives under. */
export const podSpecPaths: Readonly<Record<string, string>> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
  Rollout: 'spec.template.spec',
};

export function kindSupport(kind: string, group: string): KindSupport | undefined {
  return kinds.find((k) => k.kind === kind && k.group === group) ?? trafficKindRow(kind, group);
}
