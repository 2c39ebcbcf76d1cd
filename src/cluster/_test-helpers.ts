import { buildFromTexts } from '../api/index.ts';

/** Builds a cluster from one YAML text (tests only). */
export function buildYaml(
  text: string,
  options: { namespace?: string; profile?: string; maxPods?: number } = {},
) {
  return buildFromTexts([{ file: 'test.yaml', text }], {
    namespace: options.namespace,
    maxPods: options.maxPods,
    profile: options.profile ? { file: 'kubetwin.yaml', text: options.profile } : undefined,
  });
}

export const codes = (ds: readonly { code: string }[]) => ds.map((d) => d.code);
