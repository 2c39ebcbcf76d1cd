import { Command, Option } from 'commander';
import { discoverFlows, flowsFromClientIntents, type Flow } from '../analysis/flows/index.ts';
import { suggestPolicies } from '../analysis/suggest/index.ts';
import { renderPoliciesYaml } from '../render/policies-yaml.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import { loadFlows } from './trace.ts';
import type { Io } from './io.ts';

interface SuggestOptions extends InputOptions {
  flows?: string;
  discover?: boolean;
  cni: 'kubernetes' | 'cilium';
  replace?: boolean;
  output: 'yaml';
}

/**
 * `kubetwin suggest policies -f … [--flows FILE] [--cni cilium] [--namespace NS] [--replace] -o yaml`: the smallest
 * NetworkPolicy (or CiliumNetworkPolicy) set that delivers every flow and nothing else, checked by the engine before
 * it is printed. Exit 1 when the check
 * fails (a needed connection still denied, or something outside the flows allowed).
 */
export function suggestCommand(io: Io): Command {
  const cmd = new Command('suggest').description('write configuration from what kubetwin knows');
  const policies = new Command('policies')
    .description(
      'least-privilege NetworkPolicies (CiliumNetworkPolicies with --cni cilium) for the flows (a flows file, or those found in the manifests), proven by the engine',
    )
    .option(
      '--flows <file>',
      'flows to admit (default: the flows found in the manifests, see kubetwin flows)',
    )
    .option('--discover', 'with --flows: admit the flows found in the manifests too')
    .option(
      '--replace',
      'drop the NetworkPolicies (with --cni cilium, the CiliumNetworkPolicies too) of the namespaces in scope and start over',
    )
    .addOption(
      new Option(
        '--cni <kind>',
        'policy kind: kubernetes (NetworkPolicy) or cilium (CiliumNetworkPolicy, proven with the Cilium engine)',
      )
        .choices(['kubernetes', 'cilium'])
        .default('kubernetes'),
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml']).default('yaml'));
  withInputOptions(policies).action(async (opts: SuggestOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const model = loaded.cluster.model;
    let flows: Flow[] = [];
    if (opts.flows) {
      const read = await loadFlows(opts.flows, io);
      if (read.errors) return io.exit(exitCodes.input);
      flows = read.flows;
    }
    if (!opts.flows || opts.discover) flows.push(...discoverFlows(model).flows);
    flows.push(...flowsFromClientIntents(model));
    // -n defaults to `default` for reading manifests; only an explicit namespace narrows the scope.
    const explicitNs = policies.getOptionValueSource('namespace') === 'cli';
    const s = suggestPolicies(model, flows, {
      ...(explicitNs && opts.namespace ? { namespace: opts.namespace } : {}),
      replace: !!opts.replace,
      cni: opts.cni,
    });
    io.stdout(renderPoliciesYaml(model, s));
    const proven = !s.check.denied.length && !s.check.extra.length && !s.check.unknown.length;
    if (!proven)
      io.stderr(
        `suggest policies: the check failed (${s.check.denied.length} needed connections denied, ${s.check.extra.length} allowed outside the flows${s.check.unknown.length ? `, ${s.check.unknown.length} not proven` : ''}); see the comments at the top${s.dropped.length || opts.replace || !(s.check.denied.length || s.check.extra.length) ? '' : ', or try --replace'}\n`,
      );
    io.exit(loaded.inputExit || (proven ? exitCodes.ok : exitCodes.findings));
  });
  cmd.addCommand(policies);
  return cmd;
}
