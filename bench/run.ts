/**
 * `npm run bench`: runs every benchmark suite, each case in its own process, prints a Markdown table and
 * writes it to bench/results/<suite>.md. Suites are listed explicitly below.
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync, mkdirSync, existsSync } from 'node:fs';

interface Suite {
  name: string;
  title: string;
  cases: string[][];
  script: string;
}

const suites: Suite[] = [
  {
    name: 'build',
    title: 'Model build (from parsed objects) and YAML parsing',
    script: 'bench/build-one.ts',
    cases: [
      ['realistic', '1000'],
      ['realistic', '10000'],
      ['realistic', '100000'],
      ['realistic', '150000'],
      ['random-labels', '10000', '5000'],
    ],
  },
];

/** Suites that run as their own scripts (each writes bench/results/<name>.md), run after the table suites. */
const scripts: { name: string; script: string }[] = [
  { name: 'policy', script: 'bench/policy.ts' },
  { name: 'dns', script: 'bench/dns.ts' },
  { name: 'route', script: 'bench/route.ts' },
  { name: 'mesh', script: 'bench/mesh.ts' },
  { name: 'report', script: 'bench/report.ts' },
  { name: 'live-watch', script: 'bench/live-watch.ts' },
];

const only = process.argv[2];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
mkdirSync('bench/results', { recursive: true });
for (const suite of suites) {
  if (only && suite.name !== only) continue;
  if (!existsSync(suite.script)) continue;
  const rows: Record<string, unknown>[] = [];
  for (const args of suite.cases) {
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', suite.script, ...args],
      { encoding: 'utf8', maxBuffer: 1 << 26 },
    );
    const row = JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
    rows.push(row);
    process.stderr.write(`${suite.name} ${args.join(' ')}: ${JSON.stringify(row)}\n`);
  }
  const cols = Object.keys(rows[0] ?? {});
  const md = [
    `## ${suite.title}`,
    '',
    `Machine: ${machine}`,
    '',
    `| ${cols.join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${cols.map((c) => String(r[c])).join(' | ')} |`),
    '',
  ].join('\n');
  writeFileSync(`bench/results/${suite.name}.md`, md);
  process.stdout.write(md + '\n');
}
for (const { name, script } of scripts) {
  if ((only && name !== only) || !existsSync(script)) continue;
  process.stderr.write(`${name}: ${script}\n`);
  execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', '--import', 'tsx', script], {
    stdio: 'inherit',
  });
}
