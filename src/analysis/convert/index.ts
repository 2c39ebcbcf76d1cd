/**
 * `convert ingress-to-gateway`: the Gateway API resources equivalent to each IngressClass's Ingresses, read
 * back through the builder and proven by routing the same sample requests through both models with the
 * existing routers; everything that could not be converted is listed.
 * https://gateway-api.sigs.k8s.io/guides/migrating-from-ingress/
 */
import type { ControllerProfile } from '../../model/routing.ts';
import type { ClusterModel } from '../../model/types.ts';
import { rawFromData } from '../../parse/index.ts';
import { buildCluster } from '../../cluster/index.ts';
import { controllerProfileFor, ingressesOfClass, resolveIngressClass } from '../ingress/index.ts';
import { compileRouter } from '../route/index.ts';
import { emitClass } from './_emit.ts';
import { samplesFor, key } from './_samples.ts';
import { outcomeOf, sameOutcome } from './_compare.ts';
import type { ClassConversion, ConversionResult, Difference, Manifest, Unconvertible } from './_types.ts';

export type {
  ClassConversion,
  ConversionResult,
  Difference,
  Manifest,
  Outcome,
  Unconvertible,
} from './_types.ts';
export { describeOutcome } from './_compare.ts';

export interface ConvertOptions {
  /** Convert only this IngressClass (default: every class that has Ingresses). */
  readonly className?: string;
  /** Namespace of the emitted Gateways (default: the Ingresses' namespace when they share one, else `default`). */
  readonly gatewayNamespace?: string;
  /** Controller behaviour profile for every class (else the cluster profile's `ingressControllers`, else the IngressClass's controller). */
  readonly controller?: ControllerProfile;
}

const kindOrder = ['GatewayClass', 'Gateway', 'ReferenceGrant', 'HTTPRoute'];
const sortKey = (m: Manifest) =>
  `${kindOrder.indexOf(m.kind)}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;

/** Converts and checks; an error message when there is nothing to convert. */
export function convertIngressToGateway(
  model: ClusterModel,
  options: ConvertOptions = {},
): ConversionResult | string {
  const routing = model.routing;
  if (!routing?.ingresses.length) return 'the manifests hold no Ingress to convert';
  const unconvertible: Unconvertible[] = [];
  const claimed = new Map<string, number>();
  for (const ing of routing.ingresses) {
    const c = resolveIngressClass(ing, routing.ingressClasses);
    if (c.className) claimed.set(c.className, (claimed.get(c.className) ?? 0) + 1);
    else
      unconvertible.push({
        object: ing.key,
        what: 'spec.ingressClassName',
        reason: `belongs to no IngressClass (${c.problem}); not converted`,
      });
  }
  const classNames = options.className ? [options.className] : [...claimed.keys()].sort();
  if (options.className && !claimed.has(options.className))
    return `no Ingress of class "${options.className}" among the manifests (classes: ${[...claimed.keys()].sort().join(', ') || 'none'})`;
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const objects: Manifest[] = [];
  const plans: {
    className: string;
    profile: ControllerProfile;
    namespace: string;
    ingresses: ReturnType<typeof ingressesOfClass>;
  }[] = [];
  for (const className of classNames) {
    const ingresses = ingressesOfClass(routing, className);
    const namespaces = [...new Set(ingresses.map((i) => i.namespace))];
    const namespace = options.gatewayNamespace ?? (namespaces.length === 1 ? namespaces[0] : 'default');
    const profile =
      options.controller ??
      model.profile.ingressControllers?.[className] ??
      controllerProfileFor(className, routing.ingressClasses);
    objects.push(
      ...emitClass(
        {
          className,
          ingressClass: routing.ingressClasses.find((c) => c.name === className),
          ingresses,
          services,
          profile,
          gatewayNamespace: namespace,
        },
        unconvertible,
      ),
    );
    plans.push({ className, profile, namespace, ingresses });
  }
  objects.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));

  // Read the emitted manifests back as a user applying them would, so the check covers what is printed.
  const raws = objects.map((o, i) =>
    rawFromData(JSON.parse(JSON.stringify(o)) as Record<string, unknown>, {
      file: '(converted)',
      doc: i,
      line: 1,
      column: 1,
    }),
  );
  const rebuilt = buildCluster(raws, { addons: false, profile: model.profile });
  const rebuildProblems = rebuilt.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code}: ${d.message}`);
  const r2 = rebuilt.model.routing;
  const converted: ClusterModel = {
    ...model,
    routing: {
      ...routing,
      gatewayClasses: r2?.gatewayClasses ?? [],
      gateways: r2?.gateways ?? [],
      routes: r2?.routes ?? [],
      referenceGrants: [...routing.referenceGrants, ...(r2?.referenceGrants ?? [])],
    },
  };

  const classes: ClassConversion[] = plans.map((p) => {
    const before = compileRouter(model, {
      via: { kind: 'ingress-class', name: p.className },
      controller: p.profile,
    });
    const after = compileRouter(converted, {
      via: { kind: 'gateway', namespace: p.namespace, name: p.className },
    });
    const samples = samplesFor(p.ingresses);
    const differences: Difference[] = [];
    if (typeof before === 'string' || typeof after === 'string')
      rebuildProblems.push(typeof before === 'string' ? before : (after as string));
    else
      for (const s of samples) {
        const a = outcomeOf(before.decide(s.request));
        const b = outcomeOf(after.decide(s.request));
        if (!sameOutcome(a, b)) differences.push({ url: key(s.request), why: s.why, ingress: a, gateway: b });
      }
    return {
      ingressClass: p.className,
      profile: p.profile,
      gateway: { namespace: p.namespace, name: p.className },
      ingresses: p.ingresses.map((i) => i.key),
      samples: samples.length,
      differences,
    };
  });
  const seen = new Set<string>();
  const unique = unconvertible.filter(
    (u) => !seen.has(`${u.object} ${u.what} ${u.reason}`) && seen.add(`${u.object} ${u.what} ${u.reason}`),
  );
  unique.sort((a, b) =>
    a.object < b.object ? -1 : a.object > b.object ? 1 : a.what < b.what ? -1 : a.what > b.what ? 1 : 0,
  );
  return { objects, classes, unconvertible: unique, rebuildProblems };
}
