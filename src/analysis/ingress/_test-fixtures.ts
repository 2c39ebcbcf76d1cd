/**
 * Fixtures shared by the ingress controller tests: an IngressClass, a plain Service, and the router a class's
 * Ingresses compile to (throwing the reason when there is none).
 */
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, type Router } from '../route/index.ts';

/** An IngressClass (a YAML document, newline-terminated). */
export const ingressClass = (name: string, controller: string) => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: ${name}}
spec: {controller: ${controller}}
`;

/** The IngressClass `nginx` of ingress-nginx. */
export const nginxClass = ingressClass('nginx', 'k8s.io/ingress-nginx');

/** A Service `name` in `default` selecting `app: name`, port 80 (a YAML document, newline-terminated). */
export const service = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{port: 80}]}
`;

/** The router of the Ingresses of class `className` in `text`. */
export function ingressRouter(text: string, className: string): Router {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: className } });
  if (typeof r === 'string') throw new Error(r);
  return r;
}

/** An nginx-class Ingress for shop.example.com with `annotations`, one path to `backend` port 80 (canary tests). */
export function annotatedIngress(
  name: string,
  backend: string,
  annotations: Record<string, string>,
  path = '/',
  pathType = 'Prefix',
) {
  return `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http: {paths: [{path: ${path}, pathType: ${pathType}, backend: {service: {name: ${backend}, port: {number: 80}}}}]}
`;
}
