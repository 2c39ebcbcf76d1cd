import { Command, Option } from 'commander';
import { renderInventory } from '../report/inventory.ts';
import { loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

/** `kubetwin report -f …`: the main job. Today: the inventory of the built cluster and its input problems. */
export function reportCommand(io: Io): Command {
  const cmd = new Command('report')
    .description(
      'the main job: inventory of the cluster as built (flows, verdicts and findings are not built yet)',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text']).default('text'));
  withInputOptions(cmd).action(async (opts: InputOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    io.stdout(renderInventory(loaded.cluster.model, loaded.cluster.diagnostics));
    io.exit(loaded.inputExit);
  });
  return cmd;
}
