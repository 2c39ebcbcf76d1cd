/** The `web` Deployment of namespace `shop` (2 replicas, port 8080) that the diff, memo and loading tests share. */
export const shopWebDeployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}`;
