/** The route kinds each listener protocol carries. https://gateway-api.sigs.k8s.io/reference/spec/#protocoltype */
export const group = 'gateway.networking.k8s.io';
export const protocolKinds: Readonly<Record<string, readonly string[]>> = {
  HTTP: ['HTTPRoute', 'GRPCRoute'],
  HTTPS: ['HTTPRoute', 'GRPCRoute'],
  TLS: ['TLSRoute'],
  TCP: ['TCPRoute'],
  UDP: ['UDPRoute'],
};
