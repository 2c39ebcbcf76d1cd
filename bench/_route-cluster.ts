/**
 * The generated cluster the route benchmarks use: one GatewayClass, one Gateway with an HTTP listener on 80,
 * one Service, `n` HTTPRoutes (10 per hostname, two matches each) and one redirect route
 * (`redirect.example.com` → https, 301) so a decision answered by the gateway itself can be measured.
 */
export function routeCluster(n: number): string {
  const out = [
    `apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: gc}\nspec: {controllerName: example.com/gc}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw}\nspec:\n  gatewayClassName: gc\n  listeners: [{name: http, port: 80, protocol: HTTP}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {selector: {app: app}, ports: [{port: 80}]}\n---\n`,
    `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: redirect}\nspec:\n  parentRefs: [{name: gw}]\n  hostnames: [redirect.example.com]\n  rules:\n  - filters: [{type: RequestRedirect, requestRedirect: {scheme: https, statusCode: 301}}]\n---\n`,
  ];
  for (let i = 0; i < n; i++)
    out.push(
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r${i}}\nspec:\n  parentRefs: [{name: gw}]\n  hostnames: [h${i % Math.max(1, n / 10)}.example.com]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /api/v${i}}}, {path: {type: Exact, value: /x${i}}, headers: [{name: x-v, value: "${i}"}]}]\n    backendRefs: [{name: app, port: 80}]\n---\n`,
    );
  return out.join('');
}
