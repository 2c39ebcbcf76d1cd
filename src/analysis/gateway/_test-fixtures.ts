/**
 * Fixtures shared by the Gateway API tests: the GatewayClass `gc` they attach to, and the CA ConfigMaps the TLS
 * validation tests name (each a YAML document, newline-terminated).
 */

/** The GatewayClass `gc` of controller `example.com/gc`. */
export const gatewayClass = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
`;

/** A certificate-shaped PEM block (not a parsable certificate), as a YAML double-quoted string's content. */
export const pemLike = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n';

/** ConfigMaps in `default`: `ca` holding a `ca.crt`, and `empty` holding none. */
export const caConfigMaps = `apiVersion: v1
kind: ConfigMap
metadata: {name: ca, namespace: default}
data: {ca.crt: "${pemLike}"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: empty, namespace: default}
data: {other: x}
`;
