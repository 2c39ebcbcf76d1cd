/** The Corefile reader: Caddyfile syntax (https://coredns.io/manual/configuration/) and the plugins kubetwin models. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { defaultCorefile, dnsServerConfig, parseCorefile } from './index.ts';

describe('Corefile', () => {
  it('kubeadm default Corefile: kubernetes zones, pods insecure, ttl 30, fallthrough for reverse zones, cache 30, forward', () => {
    const { config, diagnostics } = parseCorefile(defaultCorefile('cluster.local'));
    const s = config.servers[0];
    assert.deepEqual(s.zones, ['.']);
    assert.equal(s.port, 53);
    assert.deepEqual(s.kubernetes, {
      zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'],
      pods: 'insecure',
      ttl: 30,
      fallthrough: ['in-addr.arpa.', 'ip6.arpa.'],
      namespaces: [],
      endpointPodNames: false,
      ignoreEmptyService: false,
    });
    assert.deepEqual(s.cache, {
      successTTL: 30,
      denialTTL: 30,
      successMinTTL: 5,
      denialMinTTL: 5,
      successCapacity: 9984,
      denialCapacity: 9984,
    });
    assert.deepEqual(s.forwards, [{ from: '.', to: ['/etc/resolv.conf'], except: [] }]);
    assert.deepEqual(s.notModeled, [
      'errors',
      'health',
      'ready',
      'prometheus',
      'loop',
      'reload',
      'loadbalance',
    ]);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['corefile-plugin-not-modeled', 'corefile-plugin-not-modeled'],
    );
    assert.match(diagnostics[0].message, /line 19:5: .*loadbalance/);
  });

  it('kubernetes plugin defaults: zones of the server block, pods disabled, ttl 5 (coredns.io/plugins/kubernetes)', () => {
    const s = parseCorefile('cluster.local:53 {\n  kubernetes\n}\n').config.servers[0];
    assert.deepEqual(s.kubernetes?.zones, ['cluster.local.']);
    assert.equal(s.kubernetes?.pods, 'disabled');
    assert.equal(s.kubernetes?.ttl, 5);
    assert.equal(s.cache, undefined);
  });

  it('hosts inline entries, rewrite name rules with answer options, cache success/denial overrides, stub-domain blocks', () => {
    const text = `# comment
.:53 {
  hosts {
    10.0.0.5 legacy.corp.example
    fallthrough
  }
  rewrite name exact db.example.com db.shop.svc.cluster.local
  rewrite stop {
    name regex (.*)\\.old\\.local {1}.shop.svc.cluster.local
    answer name (.*)\\.shop\\.svc\\.cluster\\.local {1}.old.local
  }
  cache 300 {
    success 5000 60 10
    denial 2000 15
  }
}
corp.example:53, other.example {
  forward . 10.10.0.1 10.10.0.2
}
`;
    const { config, diagnostics } = parseCorefile(text);
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ['corefile-no-kubernetes'],
    );
    const [main, stub] = config.servers;
    assert.deepEqual(main.hosts?.entries, [{ ip: '10.0.0.5', names: ['legacy.corp.example.'] }]);
    assert.deepEqual(main.hosts?.fallthrough, ['.']);
    assert.deepEqual(main.rewrites, [
      { mode: 'stop', match: 'exact', from: 'db.example.com', to: 'db.shop.svc.cluster.local' },
      {
        mode: 'stop',
        match: 'regex',
        from: '(.*)\\.old\\.local',
        to: '{1}.shop.svc.cluster.local',
        answer: { from: '(.*)\\.shop\\.svc\\.cluster\\.local', to: '{1}.old.local' },
      },
    ]);
    assert.deepEqual(main.cache, {
      successTTL: 60,
      denialTTL: 15,
      successMinTTL: 10,
      denialMinTTL: 5,
      successCapacity: 5000,
      denialCapacity: 2000,
    });
    assert.deepEqual(stub.zones, ['corp.example.', 'other.example.']);
    assert.deepEqual(stub.forwards, [{ from: '.', to: ['10.10.0.1', '10.10.0.2'], except: [] }]);
  });

  it('syntax errors, bad options and a missing kubernetes plugin are diagnostics, never exceptions', () => {
    const { diagnostics } = parseCorefile(
      '.:53 {\n  kubernetes cluster.local {\n    pods sometimes\n    ttl soon\n    bogus\n',
    );
    assert.deepEqual(diagnostics.map((d) => d.code).sort(), [
      'corefile-invalid-option',
      'corefile-invalid-option',
      'corefile-invalid-option',
      'corefile-syntax',
      'corefile-syntax',
    ]);
    assert.deepEqual(
      parseCorefile('.:53 {\n  forward . 8.8.8.8\n}\n').diagnostics.map((d) => d.code),
      ['corefile-no-kubernetes'],
    );
    assert.doesNotThrow(() => parseCorefile('}}}{{{ "unterminated'));
  });

  it('a kubernetes zone other than the profile cluster domain is reported (corefile-zone-mismatch)', () => {
    const cm = (zone: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\ndata:\n  Corefile: |\n    .:53 {\n      kubernetes ${zone}\n    }\n`;
    assert.deepEqual(
      dnsServerConfig(buildYaml(cm('corp.internal')).model).diagnostics.map((d) => d.code),
      ['corefile-zone-mismatch'],
    );
    assert.deepEqual(
      dnsServerConfig(buildYaml(cm('cluster.local')).model).diagnostics.map((d) => d.code),
      [],
    );
  });
});
