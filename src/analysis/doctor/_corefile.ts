import { dnsServerConfig } from '../corefile/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * The cluster DNS configuration's own problems, as findings: a Corefile line that does not parse, a plugin option
 * CoreDNS rejects, a plugin used twice in one server block or an imported file that does not exist (CoreDNS does
 * not start), a kubernetes plugin that does not serve the cluster domain, no kubernetes plugin at all. They were
 * only diagnostics of the commands that answer DNS. https://coredns.io/manual/configuration/ ·
 * https://coredns.io/plugins/kubernetes/ · https://coredns.io/plugins/hosts/ ("can only be used once per Server Block")
 */
export const corefileProblem: DoctorRule = {
  code: 'corefile-problem',
  severity: 'warning',
  summary:
    'the coredns ConfigMap (and the coredns-custom files it imports): syntax, rejected options, plugins twice in a block, a zone that is not the cluster domain',
  check: ({ model }) =>
    dnsServerConfig(model)
      // A Corefile the input lacks is no problem of the cluster's: resolve and serve dns say so with their answers.
      .diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'corefile-not-in-input')
      .map((d): Finding => ({
        code: 'corefile-problem',
        severity: d.severity,
        message: `${d.code}: ${d.message}`,
        objects: [{ key: d.object ?? '', ...(d.source ? { source: d.source } : {}) }],
        breaks: /does not start/.test(d.message)
          ? 'CoreDNS does not start with this configuration: every pod in the cluster loses name resolution on its next restart or rollout'
          : 'cluster DNS does not answer as the configuration intends',
        fix: d.hint ?? 'Correct the Corefile line the message names.',
      })),
};
