import type { KindFields } from './types.ts';

/** Workloads (apps/v1, batch/v1, autoscaling/v2, scheduling.k8s.io/v1 PriorityClass): the type (and range) of every field kubetwin reads. Format in ./types.ts. */
export const workloadFields: readonly KindFields[] = [
  {
    kind: 'Deployment',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec.replicas integer 0..2147483647
      spec.selector map
      spec.selector.matchExpressions list
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
    `,
  },
  {
    kind: 'Rollout',
    source: 'https://argoproj.github.io/argo-rollouts/features/specification/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec.replicas integer 0..2147483647
      spec.selector map
      spec.selector.matchExpressions list
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
      spec.workloadRef map
      spec.workloadRef.kind string
      spec.workloadRef.name string
      spec.workloadRef.scaleDown string
      spec.strategy.canary.stableService string
      spec.strategy.canary.canaryService string
      spec.strategy.canary.trafficRouting.istio map
      spec.strategy.canary.trafficRouting.istio.virtualService map
      spec.strategy.canary.trafficRouting.istio.virtualService.name string
      spec.strategy.canary.trafficRouting.istio.virtualService.routes list
      spec.strategy.canary.trafficRouting.istio.virtualService.routes.* string
      spec.strategy.canary.trafficRouting.istio.virtualServices list
      spec.strategy.canary.trafficRouting.istio.virtualServices.*.name string
      spec.strategy.canary.trafficRouting.istio.virtualServices.*.routes list
      spec.strategy.canary.trafficRouting.istio.virtualServices.*.routes.* string
      spec.strategy.canary.trafficRouting.istio.destinationRule.stableSubsetName string
      spec.strategy.canary.trafficRouting.istio.destinationRule.canarySubsetName string
      spec.strategy.canary.trafficRouting.plugins.argoproj-labs/gatewayAPI map
      spec.strategy.canary.trafficRouting.plugins.argoproj-labs/gatewayAPI.httpRoute string
      spec.strategy.canary.trafficRouting.plugins.argoproj-labs/gatewayAPI.httpRoutes list
      spec.strategy.canary.trafficRouting.plugins.argoproj-labs/gatewayAPI.httpRoutes.*.name string
      spec.strategy.canary.trafficRouting.plugins.argoproj-labs/gatewayAPI.namespace string
      spec.strategy.canary.stableMetadata map
      spec.strategy.canary.stableMetadata.labels map
      spec.strategy.canary.stableMetadata.labels.* string
      spec.strategy.canary.stableMetadata.annotations map
      spec.strategy.canary.stableMetadata.annotations.* string
      spec.strategy.blueGreen.activeMetadata map
      spec.strategy.blueGreen.activeMetadata.labels map
      spec.strategy.blueGreen.activeMetadata.labels.* string
      spec.strategy.blueGreen.activeMetadata.annotations map
      spec.strategy.blueGreen.activeMetadata.annotations.* string
    `,
  },
  {
    kind: 'ReplicaSet',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/replica-set-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      metadata.ownerReferences list
      metadata.ownerReferences.*.controller boolean
      metadata.ownerReferences.*.kind string
      metadata.ownerReferences.*.name string
      spec.replicas integer 0..2147483647
      spec.selector map
      spec.selector.matchExpressions list
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
    `,
  },
  {
    kind: 'StatefulSet',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/stateful-set-v1/',
    fields: `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.ordinals.start integer 0..2147483647
      spec.replicas integer 0..2147483647
      spec.selector map
      spec.selector.matchExpressions list
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
      spec.serviceName string
    `,
  },
  {
    kind: 'DaemonSet',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/daemon-set-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec.replicas integer 0..2147483647
      spec.selector map
      spec.selector.matchExpressions list
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
    `,
  },
  {
    kind: 'PriorityClass',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/priority-class-v1/',
    fields: `
      globalDefault boolean
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      value integer -2147483648..1000000000
    `,
  },
  {
    kind: 'Job',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/',
    fields: `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      metadata.ownerReferences list
      metadata.ownerReferences.*.controller boolean
      metadata.ownerReferences.*.kind string
      metadata.ownerReferences.*.name string
      spec.completions integer 0..2147483647
      spec.parallelism integer 0..2147483647
    `,
  },
  {
    kind: 'CronJob',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/cron-job-v1/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.jobTemplate.spec.completions integer 0..2147483647
      spec.jobTemplate.spec.parallelism integer 0..2147483647
    `,
  },
  {
    kind: 'HorizontalPodAutoscaler',
    source:
      'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.minReplicas integer 1..2147483647
      spec.scaleTargetRef.kind string
      spec.scaleTargetRef.name string
    `,
  },
];
