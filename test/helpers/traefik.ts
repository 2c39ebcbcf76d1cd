/**
 * A Service `web` and a Traefik IngressRoute whose ClientIP router for a.example.com sits above the plain Host
 * router: a request cannot say which answers (the route and `test` unknown tests share it).
 */
export const webService = `apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
`;
/** An IngressRoute whose ClientIP matcher a route request cannot decide, above the plain Host router. */
export const undecidedIngressRoute = `---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: r}
spec:
  routes:
  - {match: "Host(\`a.example.com\`)", services: [{name: web, port: 80}]}
  - {match: "Host(\`a.example.com\`) && ClientIP(\`10.0.0.0/8\`)", services: [{name: web, port: 80}]}
`;
