/**
 * Caddy `import` in a Corefile (https://coredns.io/manual/configuration/#import, coredns/caddy caddyfile/parse.go
 * `doImport`) and `hosts FILE` read from the ConfigMap keys mounted into CoreDNS: k3s's `NodeHosts` and the optional
 * `coredns-custom` ConfigMap of k3s and AKS (https://github.com/k3s-io/k3s/blob/master/manifests/coredns.yaml).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorefile, type CorefileFiles } from './index.ts';

const k3sCorefile = `.:53 {
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    forward . /etc/resolv.conf
    cache 30
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
`;

const mounted = (custom: Record<string, string> | undefined): CorefileFiles => ({
  files: new Map([
    ['/etc/coredns/NodeHosts', '10.0.0.2 k3s-server-1\n# comment\n10.0.0.3 k3s-agent-1 agent\n'],
    ...Object.entries(custom ?? {}).map(([k, v]): [string, string] => [`/etc/coredns/custom/${k}`, v]),
  ]),
  directories: new Map([
    ['/etc/coredns', 'the coredns ConfigMap'],
    ['/etc/coredns/custom', custom ? 'the coredns-custom ConfigMap' : 'empty'],
  ]),
});

describe('Corefile import and hosts files', () => {
  it("rule import-relative-to-corefile: AKS's `import custom/*.override` is read from the Corefile's directory, /etc/coredns/custom", () => {
    const aks = `.:53 {
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      fallthrough in-addr.arpa ip6.arpa
    }
    forward . /etc/resolv.conf
    import custom/*.override
}
import custom/*.server
`;
    const { config, diagnostics } = parseCorefile(aks, {
      files: mounted({
        'test.override': 'hosts {\n  10.0.0.1 example1.org\n  fallthrough\n}\n',
        'puglife.server': 'puglife.local:53 {\n  forward . 192.11.0.1\n}\n',
      }),
    });
    assert.deepEqual(
      config.servers.map((s) => s.zones),
      [['.'], ['puglife.local.']],
    );
    assert.deepEqual(config.servers[0].hosts?.entries, [{ ip: '10.0.0.1', names: ['example1.org.'] }]);
    assert.deepEqual(config.servers[0].unmodeledAnswerers, [], 'no import left unresolved');
    assert.ok(!diagnostics.some((d) => /no ConfigMap in the input is mounted/.test(d.message)));
  });

  it("k3s's Corefile: NodeHosts entries come from the ConfigMap; imports matching no file add nothing, without a syntax warning", () => {
    const { config, diagnostics } = parseCorefile(k3sCorefile, { files: mounted(undefined) });
    assert.equal(config.servers.length, 1);
    assert.deepEqual(config.servers[0].hosts?.entries, [
      { ip: '10.0.0.2', names: ['k3s-server-1.'] },
      { ip: '10.0.0.3', names: ['k3s-agent-1.', 'agent.'] },
    ]);
    assert.equal(config.servers[0].hosts?.fileUnknown, undefined);
    assert.deepEqual(config.servers[0].unmodeledAnswerers, []);
    assert.ok(
      !diagnostics.some((d) => d.code === 'corefile-syntax'),
      'a top-level import is not a broken server block',
    );
    assert.equal(diagnostics.filter((d) => /matches no file/.test(d.message)).length, 2);
  });

  it('*.override files are spliced into the block, *.server files add server blocks, in lexical order', () => {
    const { config } = parseCorefile(k3sCorefile, {
      files: mounted({
        'b.override': 'rewrite name legacy.cluster.local web.shop.svc.cluster.local\n',
        'a.override': 'template IN A example.internal {\n  rcode NXDOMAIN\n}\n',
        'corp.server': 'corp.example:53 {\n  forward . 10.0.0.53\n}\n',
      }),
    });
    assert.deepEqual(
      config.servers.map((s) => s.zones),
      [['.'], ['corp.example.']],
    );
    assert.equal(config.servers[0].rewrites.length, 1);
    assert.equal(config.servers[0].unmodeledAnswerers[0]?.plugin, 'template');
    assert.equal(config.servers[0].unmodeledAnswerers[0]?.line, 1, 'lines count in the imported file');
    assert.deepEqual(config.servers[1].forwards, [{ from: '.', to: ['10.0.0.53'], except: [] }]);
  });

  it('an import from a directory no ConfigMap is mounted at leaves the block unknown', () => {
    const { config, diagnostics } = parseCorefile(
      '.:53 {\n  import /opt/dns/*.conf\n  kubernetes cluster.local\n}\n',
    );
    assert.equal(config.servers[0].unmodeledAnswerers[0]?.plugin, 'import');
    assert.deepEqual(config.servers[0].unmodeledAnswerers[0]?.zones, ['.']);
    assert.match(
      diagnostics.map((d) => d.message).join('\n'),
      /import \/opt\/dns\/\*\.conf: no ConfigMap .* unknown/,
    );
  });

  it('a plain import path that does not exist stops CoreDNS (warning); a hosts file nowhere in the input is unknown', () => {
    const { config, diagnostics } = parseCorefile(
      '.:53 {\n  import /etc/coredns/custom/missing.conf\n  hosts /srv/hosts\n}\n',
      { files: mounted(undefined) },
    );
    assert.match(diagnostics.map((d) => d.message).join('\n'), /missing\.conf: the file does not exist/);
    assert.equal(config.servers[0].hosts?.fileUnknown, true);
  });

  it('hosts twice in one server block (an override adding hosts on k3s): CoreDNS does not start', () => {
    const { diagnostics } = parseCorefile(k3sCorefile, {
      files: mounted({ 'h.override': 'hosts {\n  10.1.1.1 corp.example\n  fallthrough\n}\n' }),
    });
    const d = diagnostics.find((x) => /appears again/.test(x.message));
    assert.equal(d?.severity, 'warning');
    assert.match(
      d?.message ?? '',
      /^\/etc\/coredns\/custom\/h\.override line 1:1: hosts appears again .*line 7/,
    );
  });
});
