import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { getResources, renderGet, resourceAliases, type GetResource } from '../render/get.ts';
import { modelAsList } from '../render/model-json.ts';
import { emptyGetNote } from '../render/get-empty.ts';
import { exitCodes, loadCluster, withInputOptions, type InputOptions } from './_common.ts';
import type { Io } from './io.ts';

interface GetOptions extends InputOptions {
  output?: 'wide' | 'json' | 'yaml';
}

/** `kubetwin get RESOURCE -f … [-n NS | -A] [-o wide|json|yaml]`: the cluster as kubetwin built it. */
export function getCommand(io: Io): Command {
  const cmd = new Command('get')
    .description(`list objects of the built cluster, kubectl style (${getResources.join(', ')})`)
    .argument('<resource>', 'what to list')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['wide', 'json', 'yaml']));
  withInputOptions(cmd).action(async (resourceArg: string, opts: GetOptions) => {
    const resource = (getResources as readonly string[]).includes(resourceArg)
      ? (resourceArg as GetResource)
      : resourceAliases[resourceArg];
    if (!resource) {
      io.stderr(`error: unknown resource "${resourceArg}"; use one of ${getResources.join(', ')}\n`);
      io.exit(exitCodes.input);
      return;
    }
    const loaded = await loadCluster(opts, io);
    if (typeof loaded === 'number') return io.exit(loaded);
    const namespace = opts.allNamespaces ? undefined : opts.namespace;
    const { model } = loaded.cluster;
    if (opts.output === 'json' || opts.output === 'yaml') {
      const list = modelAsList(model, resource, namespace);
      io.stdout(
        opts.output === 'json' ? JSON.stringify(list, null, 2) + '\n' : stringify(list, { lineWidth: 0 }),
      );
    } else {
      // As kubectl: nothing on stdout, and on stderr what the empty answer means.
      const empty = emptyGetNote(model, resource, namespace);
      if (empty) io.stderr(empty);
      else io.stdout(renderGet(model, resource, { namespace, wide: opts.output === 'wide' }));
    }
    io.exit(loaded.inputExit);
  });
  return cmd;
}
