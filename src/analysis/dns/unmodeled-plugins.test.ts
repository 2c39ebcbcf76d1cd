/**
 * A Corefile plugin kubetwin does not model that answers the question itself (template, k8s_external, file, …)
 * makes the reply unknown, at its place in plugin.cfg: template runs before hosts and kubernetes, k8s_external
 * before kubernetes, file after it (https://github.com/coredns/coredns/blob/master/plugin.cfg,
 * https://coredns.io/plugins/template/, https://coredns.io/plugins/k8s_external/).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseCorefile } from '../corefile/index.ts';
import { createDns } from './index.ts';
import { fixtureProfile, fixtureYaml } from './_fixture.ts';

const model = buildYaml(fixtureYaml, { profile: fixtureProfile }).model;
const ask = (corefile: string, name: string, type = 'A') =>
  createDns(model, { config: parseCorefile(corefile).config }).answer({ name, type });

describe('unmodeled answering plugins make the reply unknown', () => {
  it('template in the cluster zone takes the question before kubernetes: unknown, naming the plugin and line', () => {
    const r = ask(
      '.:53 {\n  template IN A cluster.local {\n    answer "{{ .Name }} 5 IN A 10.9.9.9"\n  }\n  kubernetes cluster.local\n}\n',
      'web.shop.svc.cluster.local.',
    );
    assert.equal(r.rcode, 'SERVFAIL');
    assert.match(r.unknown ?? '', /template plugin \(line 2\)/);
    assert.deepEqual(r.answer, []);
  });

  it('template for another type leaves the A answer to kubernetes', () => {
    const r = ask(
      '.:53 {\n  template IN AAAA cluster.local {\n    rcode NXDOMAIN\n  }\n  kubernetes cluster.local\n}\n',
      'web.shop.svc.cluster.local.',
    );
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.unknown, undefined);
  });

  it('k8s_external ZONE: names in its zone are unknown, the cluster zone is still answered', () => {
    const corefile =
      '.:53 {\n  k8s_external example.org\n  kubernetes cluster.local\n  forward . 1.1.1.1\n}\n';
    assert.match(ask(corefile, 'web.shop.example.org.').unknown ?? '', /k8s_external/);
    assert.equal(ask(corefile, 'web.shop.svc.cluster.local.').rcode, 'NOERROR');
  });

  it('file ZONE after kubernetes: a cluster name kubernetes answers is not touched', () => {
    const corefile = '.:53 {\n  kubernetes cluster.local\n  file /etc/coredns/db.cluster cluster.local\n}\n';
    const r = ask(corefile, 'web.shop.svc.cluster.local.');
    assert.equal(r.rcode, 'NOERROR');
    assert.equal(r.unknown, undefined);
  });
});
