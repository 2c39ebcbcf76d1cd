import { startFakeApiServer } from './_test-apiserver.ts';
const s = await startFakeApiServer(); s.serveBuiltins();
s.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
for (const [n, ip] of [['web','10.244.1.5'],['db','10.244.1.6']]) s.apply({apiVersion:'v1',kind:'Pod',metadata:{name:n,namespace:'shop',labels:{app:n}},spec:{containers:[{name:'c',image:'x',ports:[{containerPort:5432}]}]},status:{phase:'Running',podIP:ip}});
s.apply({apiVersion:'networking.k8s.io/v1',kind:'NetworkPolicy',metadata:{name:'db-ingress',namespace:'shop'},spec:{podSelector:{matchLabels:{app:'db'}},policyTypes:['Ingress']}});
console.log(s.kubeconfig);
setTimeout(()=>{}, 1e9);
