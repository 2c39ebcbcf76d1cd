import type { ClusterDiff } from '../analysis/diff/index.ts';

const level = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0 of the findings the change introduces (new ones only), located at the after side's YAML lines, so
 * code scanning annotates the pull request's own lines. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function renderDiffSarif(diff: ClusterDiff, version: string): string {
  const fresh = diff.effects.filter((e) => e.layer === 'finding' && e.change === 'added' && e.finding);
  const codes = [...new Set(fresh.map((e) => e.finding!.code))].sort();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubetwin',
            version,
            rules: codes.map((c) => ({ id: c, help: { text: `See docs/doctor.md#${c} in kubetwin.` } })),
          },
        },
        results: fresh.map((e) => {
          const f = e.finding!;
          return {
            ruleId: f.code,
            level: level[f.severity],
            message: { text: `${f.message} (new in this change)` },
            locations:
              f.at && !f.at.file.startsWith('<')
                ? [
                    {
                      physicalLocation: {
                        artifactLocation: { uri: f.at.file },
                        region: { startLine: f.at.line, startColumn: f.at.column },
                      },
                    },
                  ]
                : [],
          };
        }),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
