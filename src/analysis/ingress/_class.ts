import type { ControllerProfile, Ingress, IngressClass } from '../../model/routing.ts';

export interface ClassResolution {
  /** The IngressClass name the Ingress belongs to, or undefined when no class claims it. */
  readonly className?: string;
  readonly from: 'ingressClassName' | 'annotation' | 'default' | 'none';
  readonly problem?: string;
}

/**
 * Which IngressClass an Ingress belongs to: `spec.ingressClassName`, else the deprecated
 * `kubernetes.io/ingress.class` annotation, else the single IngressClass annotated
 * `ingressclass.kubernetes.io/is-default-class: "true"` (the admission controller fills it in; with two
 * defaults it refuses class-less Ingresses).
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class
 */
export function resolveIngressClass(ing: Ingress, classes: readonly IngressClass[]): ClassResolution {
  if (ing.ingressClassName) {
    const exists = classes.some((c) => c.name === ing.ingressClassName);
    return {
      className: ing.ingressClassName,
      from: 'ingressClassName',
      problem: exists ? undefined : `IngressClass ${ing.ingressClassName} is not among the manifests`,
    };
  }
  if (ing.classAnnotation) return { className: ing.classAnnotation, from: 'annotation' };
  const defaults = classes.filter((c) => c.isDefault);
  if (defaults.length === 1) return { className: defaults[0].name, from: 'default' };
  if (defaults.length > 1)
    return {
      from: 'none',
      problem: `${defaults.length} IngressClasses are marked default (${defaults.map((c) => c.name).join(', ')}); the admission controller refuses Ingresses without a class`,
    };
  return {
    from: 'none',
    problem:
      'no ingressClassName, no kubernetes.io/ingress.class annotation and no default IngressClass: no controller is required to serve it',
  };
}

/** Known controllers and the behaviour profile kubetwin runs for them; anything else runs the spec. */
export const controllerProfiles: Readonly<Record<string, ControllerProfile>> = {
  'k8s.io/ingress-nginx': 'ingress-nginx',
  'traefik.io/ingress-controller': 'traefik',
  // The AWS Load Balancer Controller (IngressClassControllerALB, pkg/ingress/class.go).
  'ingress.k8s.aws/alb': 'alb',
};

/** The behaviour profile of an IngressClass's controller (the class name itself is a fallback hint). */
export function controllerProfileFor(className: string, classes: readonly IngressClass[]): ControllerProfile {
  const c = classes.find((x) => x.name === className);
  if (c && controllerProfiles[c.controller]) return controllerProfiles[c.controller];
  if (!c && (className === 'nginx' || className === 'traefik'))
    return className === 'nginx' ? 'ingress-nginx' : 'traefik';
  // The controller matches the annotation `kubernetes.io/ingress.class: alb` itself, with no IngressClass object.
  if (!c && className === 'alb') return 'alb';
  return 'spec';
}
