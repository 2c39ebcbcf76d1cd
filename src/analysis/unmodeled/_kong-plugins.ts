import type { RouteUnknown } from '../../model/routing.ts';
import type { ClusterModel, ObjectMeta, OtherObject } from '../../model/types.ts';
import type { RouteAnswer } from './_route-notes.ts';

/** The annotation naming the KongPlugin (same namespace) or KongClusterPlugin objects that run on an object. */
export const kongPluginsAnnotation = 'konghq.com/plugins';

/**
 * Kong plugins that only observe (logs, metrics, traces) or change the response: they neither refuse a request nor
 * change it on its way to the backend (https://developer.konghq.com/plugins/). Every other plugin may
 * (ip-restriction, acl, request-termination, key-auth, rate-limiting, request-transformer, …).
 */
const observing = new Set([
  'prometheus',
  'zipkin',
  'opentelemetry',
  'datadog',
  'statsd',
  'file-log',
  'http-log',
  'tcp-log',
  'udp-log',
  'syslog',
  'loggly',
  'response-transformer',
]);

/**
 * Kong plugins on the path of a route answer (Kong Ingress Controller,
 * https://developer.konghq.com/kubernetes-ingress-controller/reference/annotations/#konghq-com-plugins and
 * https://developer.konghq.com/kubernetes-ingress-controller/reference/custom-resources/): the comma-separated
 * `konghq.com/plugins` annotation of the winning Ingress or HTTPRoute and of each backend Service names KongPlugin
 * objects of its namespace or KongClusterPlugins; a KongClusterPlugin labelled `global: "true"` runs on every request
 * Kong proxies; `disabled: true` turns one off. kubetwin does not run Kong's plugins: one that can refuse or rewrite
 * the request (its top-level `plugin` is not a logging or metrics plugin), or one the input lacks, makes the answer
 * unknown, naming it.
 */
export function kongPluginUnknowns(model: ClusterModel, answer: RouteAnswer): RouteUnknown[] {
  const winner = answer.decision.winner?.object;
  const routing = model.routing;
  const annotated: { key: string; namespace: string; meta: ObjectMeta }[] = [];
  const ingress = routing?.ingresses.find((i) => i.key === winner);
  const route = routing?.routes.find((r) => r.key === winner);
  if (ingress) annotated.push({ key: ingress.key, namespace: ingress.namespace, meta: ingress });
  if (route) annotated.push({ key: route.key, namespace: route.namespace, meta: route });
  for (const be of answer.decision.backends) {
    const svc = model.services.find((s) => s.namespace === be.namespace && s.name === be.name);
    if (svc && !annotated.some((a) => a.key === svc.key))
      annotated.push({ key: svc.key, namespace: svc.namespace, meta: svc });
  }
  const out: RouteUnknown[] = [];
  for (const a of annotated) {
    const names = (a.meta.annotations[kongPluginsAnnotation] ?? '')
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean);
    for (const name of names) {
      const plugin =
        model.others.find((o) => o.kind === 'KongPlugin' && o.namespace === a.namespace && o.name === name) ??
        model.others.find((o) => o.kind === 'KongClusterPlugin' && o.name === name);
      const text = plugin
        ? refusing(plugin)
        : `${a.key} names Kong plugin ${name} (${kongPluginsAnnotation}), and no KongPlugin ${a.namespace}/${name} or KongClusterPlugin ${name} is in the input: what it does to the request is unknown`;
      if (text) out.push({ object: plugin?.key ?? a.key, text: plugin ? `${a.key} runs ${text}` : text });
    }
  }
  if (servedByKong(model, ingress, answer.gateway))
    for (const o of model.others)
      if (o.kind === 'KongClusterPlugin' && o.labels.global === 'true') {
        const text = refusing(o);
        if (text && !out.some((u) => u.object === o.key))
          out.push({ object: o.key, text: `every request Kong proxies runs ${text} (label global: "true")` });
      }
  return out;
}

/** Why a Kong plugin object may change the answer, or undefined when it is off or only observes. */
function refusing(o: OtherObject): string | undefined {
  if (o.body.disabled === true) return undefined;
  const plugin = typeof o.body.plugin === 'string' ? o.body.plugin : undefined;
  if (plugin && observing.has(plugin)) return undefined;
  return `Kong plugin ${plugin ?? '(no plugin field)'} (${o.key}), which kubetwin does not run: it may refuse the request or change it on its way to the backend`;
}

/** Is the answer Kong's: the winning Ingress's IngressClass, or the Gateway's GatewayClass, has Kong's controller? */
function servedByKong(
  model: ClusterModel,
  ingress: { ingressClassName?: string; classAnnotation?: string } | undefined,
  gateway: string | undefined,
): boolean {
  const routing = model.routing;
  if (ingress) {
    const cls = ingress.ingressClassName ?? ingress.classAnnotation;
    const c = routing?.ingressClasses.find((x) => x.name === cls);
    return cls === 'kong' || !!c?.controller.includes('konghq.com');
  }
  const gw = gateway ? routing?.gateways.find((g) => g.key === gateway) : undefined;
  const gc = gw && routing?.gatewayClasses.find((c) => c.name === gw.gatewayClassName);
  return !!gc?.controllerName.includes('konghq.com');
}
