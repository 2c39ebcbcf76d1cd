/**
 * The cluster the DNS tests run against (tests only): a ClusterIP Service with two ready pods and one not ready,
 * headless Services with and without publishNotReadyAddresses, hostname/subdomain pods, ExternalName Services.
 */
const pod = (name: string, ip: string, labels: string, extra = '', ready = true) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {${labels}}}
spec:
  ${extra}
  containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}, {name: pg, containerPort: 5432}]}]
status: {phase: Running, podIP: ${ip}, conditions: [{type: Ready, status: "${ready ? 'True' : 'False'}"}]}
---`;

export const fixtureYaml = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: 10.96.0.20
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}, {name: metrics, port: 9090, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: db-all, namespace: shop}
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: shop}
spec:
  clusterIP: None
  selector: {app: nothing}
  ports: [{name: x, port: 1}]
---
apiVersion: v1
kind: Service
metadata: {name: default-subdomain, namespace: shop}
spec:
  clusterIP: None
  selector: {name: busybox}
  ports: [{name: foo, port: 1234}]
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec: {type: ExternalName, externalName: target.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: alias, namespace: shop}
spec: {type: ExternalName, externalName: web.shop.svc.cluster.local}
---
${pod('web-a', '10.244.1.10', 'app: web')}
${pod('web-b', '10.244.2.10', 'app: web')}
${pod('web-c', '10.244.3.10', 'app: web', '', false)}
${pod('db-0', '10.244.1.20', 'app: db', 'hostname: db-0\n  subdomain: db')}
${pod('db-1', '10.244.2.20', 'app: db', 'hostname: db-1\n  subdomain: db')}
${pod('db-2', '10.244.3.20', 'app: db', 'hostname: db-2\n  subdomain: db', false)}
${pod('busybox1', '10.244.1.30', 'name: busybox', 'hostname: busybox-1\n  subdomain: default-subdomain')}
${pod('busybox2', '10.244.2.30', 'name: busybox', 'hostname: busybox-2')}
`;

export const fixtureProfile = `
apiVersion: kubetwin.dev/v1alpha1
kind: ClusterProfile
externalHosts:
  target.example.com: [93.184.216.34]
`;
