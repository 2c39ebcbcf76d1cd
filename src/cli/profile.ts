import { Command } from 'commander';
import { renderProfileYaml } from '../render/profile-yaml.ts';
import { loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

/**
 * `kubetwin profile -f … [--profile FILE]`: the cluster profile in use, as YAML ready to edit, each value with
 * where it came from (the profile file, inference from the input, the default). See docs/profile.md.
 */
export function profileCommand(io: Io): Command {
  const cmd = new Command('profile').description(
    'print the cluster profile in use (CIDRs, DNS, CNI, nodes) as YAML to edit, with where each value came from',
  );
  withInputOptions(cmd).action(async (opts: InputOptions) => {
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    io.stdout(renderProfileYaml(loaded.cluster.model.profile, { mesh: loaded.cluster.model.mesh }));
    io.exit(loaded.inputExit);
  });
  return cmd;
}
