import { routeCluster } from './_route-cluster.ts';

/**
 * The route benchmark's cluster (n HTTPRoutes on one Gateway) with the newer kinds present (issue 13): the Gateway
 * gains a TLS passthrough listener with n/10 TLSRoutes, a TCP listener with one TCPRoute, and admits n/100
 * ListenerSets (GEP-1713, `allowedListeners: Same`), each with one HTTP listener of its own hostname and 10
 * HTTPRoutes attached to it.
 */
export function routeKindsCluster(n: number): string {
  const out = [
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: gc\n  allowedListeners: {namespaces: {from: Same}}\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n  - {name: tls, port: 443, protocol: TLS, tls: {mode: Passthrough}}\n  - {name: tcp, port: 5432, protocol: TCP}\n---\n`,
    `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TCPRoute\nmetadata: {name: db}\nspec: {parentRefs: [{name: gw, sectionName: tcp}], rules: [{backendRefs: [{name: app, port: 80}]}]}\n---\n`,
  ];
  for (let i = 0; i < n / 10; i++)
    out.push(
      `apiVersion: gateway.networking.k8s.io/v1alpha2\nkind: TLSRoute\nmetadata: {name: t${i}}\nspec: {parentRefs: [{name: gw, sectionName: tls}], hostnames: [t${i}.example.com], rules: [{backendRefs: [{name: app, port: 80}]}]}\n---\n`,
    );
  for (let j = 0; j < n / 100; j++) {
    out.push(
      `apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: {name: ls${j}}\nspec:\n  parentRef: {name: gw}\n  listeners: [{name: http, port: 80, protocol: HTTP, hostname: ls${j}.example.com}]\n---\n`,
    );
    for (let k = 0; k < 10; k++)
      out.push(
        `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: ls${j}-r${k}}\nspec:\n  parentRefs: [{name: ls${j}, kind: ListenerSet, group: gateway.networking.k8s.io}]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /team/v${k}}}]\n    backendRefs: [{name: app, port: 80}]\n---\n`,
      );
  }
  // The route cluster's Gateway (its apiVersion line too, else the next document is broken) is replaced by this one.
  return (
    routeCluster(n).replace(
      /apiVersion: [^\n]*\nkind: Gateway\nmetadata: \{name: gw\}\nspec:\n[^-]*---\n/,
      '',
    ) + out.join('')
  );
}
