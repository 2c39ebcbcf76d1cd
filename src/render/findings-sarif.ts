import type { DoctorRule, Finding } from '../analysis/doctor/index.ts';

const level = { error: 'error', warning: 'warning', info: 'note' } as const;

/**
 * SARIF 2.1.0 for code scanning: one result per finding, located at the YAML line and column of its primary
 * object or field. https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
export function renderFindingsSarif(
  findings: readonly Finding[],
  rules: readonly DoctorRule[],
  version: string,
): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubetwin',
            version,
            rules: rules.map((r) => ({
              id: r.code,
              shortDescription: { text: r.summary },
              defaultConfiguration: { level: level[r.severity] },
              help: { text: `See docs/doctor.md#${r.code} in kubetwin.` },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.code,
          level: level[f.severity],
          message: { text: `${f.message}. Breaks: ${f.breaks}. Fix: ${f.fix}` },
          locations: f.objects
            .filter((o) => o.source && o.source.line > 0 && !o.source.file.startsWith('<'))
            .slice(0, 1)
            .map((o) => ({
              physicalLocation: {
                artifactLocation: { uri: o.source!.file },
                region: { startLine: o.source!.line, startColumn: o.source!.column },
              },
              logicalLocations: [{ fullyQualifiedName: o.key }],
            })),
          ...(f.patch ? { fixes: [{ description: { text: f.fix } }] } : {}),
          properties: { objects: f.objects.map((o) => o.key) },
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
