/**
 * A backend's share of the requests or connections of its rule, as `" 45.5%"` (empty for weight 0 or a single
 * backend's rule): out of the weights of every backend that gets a share, the invalid ones included, because the
 * Gateway API sends an invalid backend's share to an error instead of to the others — HTTP: "the proportion of
 * requests that would otherwise have been routed to an invalid backend MUST receive a 500"; TCP/TLS/UDP:
 * "Connection rejections must respect weight".
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule, https://gateway-api.sigs.k8s.io/reference/spec/#tcprouterule
 */
export function weightShare(backends: readonly { readonly weight: number }[], i: number): string {
  const total = backends.reduce((s, b) => s + (b.weight > 0 ? b.weight : 0), 0);
  const w = backends[i].weight;
  return w > 0 && total ? ` ${Math.round((w / total) * 1000) / 10}%` : '';
}
