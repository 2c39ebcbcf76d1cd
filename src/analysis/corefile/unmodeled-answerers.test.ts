/**
 * Plugins that answer queries themselves and that kubetwin does not model: which questions each may take, by its
 * zones and its place in plugin.cfg (https://github.com/coredns/coredns/blob/master/plugin.cfg), and for template
 * by class, type, regexes and fallthrough (https://coredns.io/plugins/template/).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorefile } from './index.ts';
import { claimedBy } from '../dns/_unmodeled.ts';

const block = (body: string) =>
  parseCorefile(`.:53 {\n${body}\n  kubernetes cluster.local\n  forward . 1.1.1.1\n}\n`);

describe('Corefile plugins that answer and are not modeled', () => {
  it('template CLASS TYPE ZONE claims matching questions in its zone, before hosts and kubernetes (plugin.cfg order)', () => {
    const s = block('  template IN A example.internal {\n    answer "{{ .Name }} 60 IN A 10.9.9.9"\n  }')
      .config.servers[0];
    const t = s.unmodeledAnswerers;
    assert.equal(t.length, 1);
    assert.deepEqual(t[0].zones, ['example.internal.']);
    assert.equal(claimedBy(t, 'foo.example.internal.', 'A', 'hosts')?.plugin, 'template');
    assert.equal(claimedBy(t, 'foo.example.internal.', 'AAAA', 'hosts'), undefined, 'TYPE A only');
    assert.equal(
      claimedBy(t, 'web.default.svc.cluster.local.', 'A', 'kubernetes'),
      undefined,
      'outside its zone',
    );
  });

  it('template with match regexes: no regex matching and fallthrough passes the query on; without fallthrough it is claimed', () => {
    const through = block(
      '  template ANY ANY cluster.local {\n    match "^(?P<a>[^.]+)\\.(?:[^.]+\\.){4,}cluster\\.local\\.$"\n    rcode NXDOMAIN\n    fallthrough\n  }',
    ).config.servers[0].unmodeledAnswerers;
    assert.equal(claimedBy(through, 'web.default.svc.cluster.local.', 'A', 'kubernetes'), undefined);
    assert.equal(
      claimedBy(through, 'web.default.svc.cluster.local.svc.cluster.local.', 'A', 'kubernetes')?.plugin,
      'template',
    );
    const stop = block(
      '  template IN ANY cluster.local {\n    match "^nope\\.cluster\\.local\\.$"\n    rcode NXDOMAIN\n  }',
    ).config.servers[0].unmodeledAnswerers;
    assert.equal(claimedBy(stop, 'web.default.svc.cluster.local.', 'A', 'kubernetes')?.plugin, 'template');
  });

  it('k8s_external ZONE claims its zone only, and runs before kubernetes but after hosts', () => {
    const { config, diagnostics } = block('  k8s_external example.org');
    const a = config.servers[0].unmodeledAnswerers;
    assert.equal(claimedBy(a, 'web.default.example.org.', 'A', 'kubernetes')?.plugin, 'k8s_external');
    assert.equal(claimedBy(a, 'web.default.example.org.', 'A', 'hosts'), undefined);
    assert.equal(claimedBy(a, 'web.default.svc.cluster.local.', 'A', 'kubernetes'), undefined);
    assert.match(
      diagnostics.find((d) => /k8s_external/.test(d.message))?.message ?? '',
      /resolved as unknown/,
    );
  });

  it('file DBFILE ZONE and grpc FROM TO: the zone is not the first argument of file nor the upstream of grpc', () => {
    const a = block('  file /etc/coredns/corp.db corp.example\n  grpc . 10.0.0.53').config.servers[0]
      .unmodeledAnswerers;
    assert.deepEqual(
      a.map((x) => [x.plugin, x.zones]),
      [
        ['file', ['corp.example.']],
        ['grpc', ['.']],
      ],
    );
    assert.equal(claimedBy(a, 'a.corp.example.', 'A', 'forward')?.plugin, 'file');
    assert.equal(claimedBy(a, 'a.other.example.', 'A', 'forward'), undefined, 'grpc runs after forward');
    assert.equal(claimedBy(a, 'a.other.example.', 'A', 'end')?.plugin, 'grpc');
  });

  it('operational plugins (errors, health, loadbalance) claim nothing', () => {
    assert.deepEqual(block('  errors\n  health\n  loadbalance').config.servers[0].unmodeledAnswerers, []);
  });
});
