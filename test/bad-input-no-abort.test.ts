/**
 * Bad input never aborts a command: each case below once ended every command with exit 3 `internal error`. Now
 * each is a diagnostic (exit 2) and the good objects beside it are still analysed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../src/cli/program.ts';

const good = `apiVersion: v1
kind: Service
metadata: {name: still-here, namespace: default, labels: {app: x}}
spec: {selector: {app: x}, ports: [{name: http, port: 80}]}
`;

async function runOn(args: string[], text: string): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await run([...args, '-f', '-'], {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    readStdin: async () => text,
  });
  return { code, out };
}

/** `code` 2: an input error; 'ok': no input error (0, or 1 when doctor/report find something). */
const cases: Record<string, { text: string; code: 2 | 'ok' }> = {
  'an unresolved alias': {
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *nope\n',
    code: 2,
  },
  'a merge key with a scalar source': {
    text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: y\n',
    code: 2,
  },
  'block nesting of 3,000 levels': {
    text: Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n',
    code: 2,
  },
  'a ServiceMonitor with spec.endpoints: {}': {
    text: `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: m, namespace: default}
spec: {selector: {matchLabels: {app: x}, matchExpressions: {a: 1}}, namespaceSelector: {matchNames: x}, endpoints: {}}
`,
    // Read by a typed reader since the fourteenth session: each field of another type is a positioned error.
    code: 2,
  },
  'ClientIntents whose calls are a map and whose service name is a number': {
    text: `apiVersion: k8s.otterize.com/v1alpha3
kind: ClientIntents
metadata: {name: i, namespace: default}
spec: {service: {name: 5}, calls: {a: 1}, targets: [{kubernetes: {name: 7}}]}
`,
    code: 'ok',
  },
};

for (const [name, c] of Object.entries(cases))
  for (const command of [['doctor'], ['report'], ['get', 'services']])
    test(`${name} is not an internal error: ${command.join(' ')} exits ${c.code === 2 ? 2 : 'without an input error'} and still shows the good objects`, async () => {
      const { code, out } = await runOn(command, `${c.text}---\n${good}`);
      assert.doesNotMatch(out, /internal error|call stack|TypeError|ReferenceError/);
      if (command[0] === 'get') assert.match(out, /still-here/);
      if (c.code === 2) assert.equal(code, 2, out);
      else assert.ok(code === 0 || code === 1, `exit ${code}: ${out}`);
    });

test('control characters from a manifest never reach the terminal raw in any command or output format, and each diagnostic stays on its line', async () => {
  const text = `apiVersion: v1
kind: Service
metadata: {name: "web\\x1b[31m\\nnext", namespace: default, labels: {"a\\rb": "c\\x1b]0;t\\x07"}}
spec: {ports: [{port: 80}], selector: {app: "x\\x1b[2J"}}
---
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default, labels: {app: "x\\x1b[2J"}, annotations: {note: "\\x1b]8;;http://evil\\x07"}}
spec: {containers: [{name: "c\\x1b[1m", image: x, ports: [{containerPort: 80, name: "h\\x1bp"}]}]}
---
${good}`;
  const commands = [
    ['doctor'],
    ['doctor', '-o', 'sarif'],
    ['report'],
    ['report', '-o', 'md'],
    ['get', 'services', '-o', 'wide'],
    ['get', 'all', '-A', '-o', 'yaml'],
    ['get', 'all', '-A', '-o', 'json'],
    ['matrix'],
    ['endpoints'],
    ['flows'],
    ['suggest', 'policies'],
    ['profile'],
    ['resolve', 'web.default'],
    ['reach', '--from', 'default/p', '--to', 'default/p', '--port', '80'],
    ['trace', '--from', 'default/p', '--to', 'default/p', '--port', '80'],
    ['route', 'http://x/'],
  ];
  for (const command of commands) {
    const { out } = await runOn(command, text);
    const raw = [...out].filter((c) => (c < ' ' && c !== '\n' && c !== '\t') || c === '\x7f');
    assert.deepEqual(raw, [], `${command.join(' ')} prints no raw control character`);
    for (const line of out.split('\n').filter((l) => /^<stdin>:/.test(l)))
      assert.match(line, /^<stdin>:\d+:\d+: (error|warning|info) [a-z0-9-]+: /);
  }
});

test('flow nesting that overflows the YAML package at any depth (800–4,000 levels) is said once per document, never twice', async () => {
  // Where the package runs out of stack depends on the stack left when it reads; it records the overflow once per
  // composer that catches it, so some depths gave two identical errors for one cause.
  const { buildFromTexts } = await import('../src/api/index.ts');
  const twice: string[] = [];
  for (let n = 800; n <= 4000; n += 200)
    for (const [shape, text] of [
      ['[', `a: ${'['.repeat(n)}${']'.repeat(n)}\n`],
      ['{a:', `a: ${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
    ]) {
      const said = buildFromTexts([{ file: 'm.yaml', text: text! }]).diagnostics.filter(
        (d) => d.code === 'yaml-syntax',
      );
      if (said.length !== 1) twice.push(`${shape} × ${n}: ${said.length}`);
    }
  assert.deepEqual(twice, []);
});
