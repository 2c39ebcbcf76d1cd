import { Command, Option } from 'commander';
import { discoverFlows } from '../analysis/flows/index.ts';
import { renderFlowsJson, renderFlowsMarkdown, renderFlowsYaml } from '../render/flows-file.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface FlowsOptions extends InputOptions {
  output: 'yaml' | 'json' | 'md';
}

/**
 * `kubetwin flows -f … [-o yaml|json|md]`: the flows found in the manifests (container settings, routes, scrapes,
 * DNS), printed as a flows file to review, edit and commit.
 */
export function flowsCommand(io: Io): Command {
  const cmd = new Command('flows')
    .description(
      'find the flows the manifests imply (env, args, ConfigMaps, routes, scrapes, DNS) and print them as a flows file',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['yaml', 'json', 'md']).default('yaml'),
    );
  withInputOptions(cmd).action(async (opts: FlowsOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const found = discoverFlows(loaded.cluster.model);
    const title = (opts.file ?? []).join(' ');
    if (opts.output === 'json') io.stdout(renderFlowsJson(found));
    else if (opts.output === 'md') io.stdout(renderFlowsMarkdown(found, title));
    else io.stdout(renderFlowsYaml(found, title));
    io.exit(loaded.inputExit || exitCodes.ok);
  });
  return cmd;
}
