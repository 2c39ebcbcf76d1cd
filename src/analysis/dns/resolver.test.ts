/**
 * A pod's resolver: the resolv.conf kubelet writes per dnsPolicy/dnsConfig
 * (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy) and the search-list
 * walk of glibc (resolv/res_query.c) and musl (src/network/lookup_name.c), as name → rcode lines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import type { Pod } from '../../model/types.ts';
import { createDns, renderResolvConf, unknownResolution, type Libc } from './index.ts';
import { fixtureProfile, fixtureYaml } from './_fixture.ts';

const model = buildYaml(fixtureYaml, { profile: fixtureProfile }).model;
const dns = createDns(model);
const base = model.pods.find((p) => p.name === 'web-a')!;
const pod = (over: Partial<Pod>): Pod => ({ ...base, ...over });
const walk = (p: Pod, name: string, libc: Libc, type = 'A') => {
  const r = dns.resolveFrom(p, { name, type }, { libc });
  return {
    lines: r.walk.steps.map(
      (s) =>
        `${s.name} ${s.response.rcode}${s.response.answer.length ? '' : s.response.rcode === 'NOERROR' ? ' (no data)' : ''} ${s.verdict}`,
    ),
    rcode: r.walk.rcode,
    resolvedName: r.walk.resolvedName,
  };
};

describe('pod resolv.conf (dnsPolicy, dnsConfig)', () => {
  it('ClusterFirst: cluster DNS, <ns>.svc.<zone> svc.<zone> <zone>, ndots:5', () => {
    const rc = dns.resolveFrom(base, { name: 'x', type: 'A' }).resolvConf;
    assert.equal(
      renderResolvConf(rc),
      'search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });

  it('ClusterFirst on hostNetwork falls back to Default; ClusterFirstWithHostNet keeps cluster DNS', () => {
    const fallback = dns.resolveFrom(pod({ hostNetwork: true }), { name: 'x', type: 'A' }).resolvConf;
    assert.equal(fallback.effectivePolicy, 'Default');
    assert.equal(fallback.usesClusterDNS, false);
    const withHostNet = dns.resolveFrom(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), {
      name: 'x',
      type: 'A',
    }).resolvConf;
    assert.equal(withHostNet.usesClusterDNS, true);
  });

  it('None with dnsConfig: only what dnsConfig says; dnsConfig merges into ClusterFirst (options by name, later wins)', () => {
    const none = pod({
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['1.2.3.4'],
        searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    assert.equal(
      renderResolvConf(dns.resolveFrom(none, { name: 'x', type: 'A' }).resolvConf),
      'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n',
    );
    const merged = pod({
      dnsConfig: {
        nameservers: ['10.96.0.10', '8.8.8.8'],
        searches: ['svc.cluster.local', 'corp.example'],
        options: [{ name: 'ndots', value: '1' }],
      },
    });
    assert.equal(
      renderResolvConf(dns.resolveFrom(merged, { name: 'x', type: 'A' }).resolvConf),
      'search shop.svc.cluster.local svc.cluster.local cluster.local corp.example\nnameserver 10.96.0.10\nnameserver 8.8.8.8\noptions ndots:1\n',
    );
  });

  it('a nameserver other than the cluster DNS: its answers name that server, never the cluster DNS or the node', () => {
    const none = pod({
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['192.0.2.1'], searches: [], options: [] },
    });
    const r = dns.resolveFrom(none, { name: 'web.shop.svc.cluster.local', type: 'A' });
    assert.equal(r.walk.rcode, 'SERVFAIL');
    assert.match(r.walk.final.notes.join('\n'), /forwarded to 192\.0\.2\.1: kubetwin sends no query/);
    assert.match(unknownResolution(r) ?? '', /the pod asks 192\.0\.2\.1, not cluster DNS/);
  });
});

describe('search-list walk', () => {
  it('glibc, fewer dots than ndots: search domains in order, the first answer wins', () => {
    assert.deepEqual(walk(base, 'web', 'glibc'), {
      lines: ['web.shop.svc.cluster.local. NOERROR answer'],
      rcode: 'NOERROR',
      resolvedName: 'web.shop.svc.cluster.local.',
    });
    assert.deepEqual(walk(base, 'db-0.db.shop', 'glibc').lines, [
      'db-0.db.shop.shop.svc.cluster.local. NXDOMAIN continue',
      'db-0.db.shop.svc.cluster.local. NOERROR answer',
    ]);
  });

  it('glibc walks on after an empty NOERROR and NXDOMAIN, tries the name as-is last, reports no data', () => {
    assert.deepEqual(walk(base, 'web', 'glibc', 'AAAA'), {
      lines: [
        'web.shop.svc.cluster.local. NOERROR (no data) continue',
        'web.svc.cluster.local. NXDOMAIN continue',
        'web.cluster.local. NXDOMAIN continue',
        'web. NXDOMAIN stop',
      ],
      rcode: 'NOERROR',
      resolvedName: undefined,
    });
  });

  it('musl stops at the first reply that is not NXDOMAIN (an empty NOERROR ends the walk)', () => {
    assert.deepEqual(walk(base, 'web', 'musl', 'AAAA'), {
      lines: ['web.shop.svc.cluster.local. NOERROR (no data) stop'],
      rcode: 'NOERROR',
      resolvedName: undefined,
    });
  });

  it('ndots: glibc tries a name with enough dots as-is first, then the search list; musl only as-is', () => {
    const ndots1 = pod({
      dnsConfig: { nameservers: [], searches: [], options: [{ name: 'ndots', value: '1' }] },
    });
    // web.shop. goes upstream (forward): its reply is unknown (SERVFAIL), and glibc goes on after a SERVFAIL.
    assert.deepEqual(walk(ndots1, 'web.shop', 'glibc').lines, [
      'web.shop. SERVFAIL continue',
      'web.shop.shop.svc.cluster.local. NXDOMAIN continue',
      'web.shop.svc.cluster.local. NOERROR answer',
    ]);
    assert.deepEqual(walk(ndots1, 'web.shop', 'musl'), {
      lines: ['web.shop. SERVFAIL stop'],
      rcode: 'SERVFAIL',
      resolvedName: undefined,
    });
  });

  it('a trailing dot is absolute: one query, no search list', () => {
    assert.deepEqual(walk(base, 'web.', 'glibc').lines, ['web. NXDOMAIN stop']);
    assert.deepEqual(walk(base, 'web.shop.svc.cluster.local.', 'musl').lines, [
      'web.shop.svc.cluster.local. NOERROR answer',
    ]);
  });

  it('external names walk the whole search list (ndots:5) before the upstream answer', () => {
    assert.deepEqual(walk(base, 'target.example.com', 'glibc'), {
      lines: [
        'target.example.com.shop.svc.cluster.local. NXDOMAIN continue',
        'target.example.com.svc.cluster.local. NXDOMAIN continue',
        'target.example.com.cluster.local. NXDOMAIN continue',
        'target.example.com. NOERROR answer',
      ],
      rcode: 'NOERROR',
      resolvedName: 'target.example.com.',
    });
  });

  it('dnsPolicy Default asks the node resolver: cluster names are unknown there, not answered from the model', () => {
    const r = walk(pod({ dnsPolicy: 'Default' }), 'web.shop.svc.cluster.local', 'glibc');
    assert.equal(r.rcode, 'SERVFAIL');
  });

  it("dnsPolicy Default: a short name is unknown, not NXDOMAIN — the node's search domains are not in the input", () => {
    for (const p of [pod({ dnsPolicy: 'Default' }), pod({ dnsPolicy: 'ClusterFirst', hostNetwork: true })]) {
      const r = dns.resolveFrom(p, { name: 'web', type: 'A' }, { libc: 'glibc' });
      assert.equal(r.walk.rcode, 'NXDOMAIN', 'the walk itself assumes SAC053 for the dotless try');
      assert.match(
        unknownResolution(r) ?? '',
        /node's resolv\.conf, whose search domains are not in the input/,
      );
    }
    // A name with ndots dots is asked as-is first: its answer is known.
    const known = dns.resolveFrom(pod({ dnsPolicy: 'Default' }), { name: 'target.example.com', type: 'A' });
    assert.equal(known.walk.rcode, 'NOERROR');
    assert.equal(unknownResolution(known), undefined);
  });

  it('forward: a name CoreDNS forwards upstream makes the walk unknown, even when a later try answers', () => {
    const ndots1 = pod({
      dnsConfig: { nameservers: [], searches: [], options: [{ name: 'ndots', value: '1' }] },
    });
    // The upstream might have answered web.shop. itself: the answer from the search list is not certain.
    const answered = dns.resolveFrom(ndots1, { name: 'web.shop', type: 'A' }, { libc: 'glibc' });
    assert.equal(answered.walk.resolvedName, 'web.shop.svc.cluster.local.');
    assert.match(
      unknownResolution(answered) ?? '',
      /forwarded to \/etc\/resolv\.conf: kubetwin sends no query/,
    );
    const external = dns.resolveFrom(pod({}), { name: 'nowhere.example.com', type: 'A' }, { libc: 'glibc' });
    assert.equal(external.walk.rcode, 'SERVFAIL');
    assert.ok(unknownResolution(external));
  });

  it('SAC053: a single-label name whose search-list expansions all miss is NXDOMAIN, assumed and not unknown', () => {
    const r = dns.resolveFrom(pod({}), { name: 'nosuchservice', type: 'A' }, { libc: 'glibc' });
    assert.equal(r.walk.rcode, 'NXDOMAIN');
    assert.equal(unknownResolution(r), undefined);
    assert.match(r.walk.final.notes.join('\n'), /SAC053/);
  });
});

describe('/etc/hosts before DNS (https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/)', () => {
  it("hostAliases and the pod's own names answer from /etc/hosts with no DNS query, for the name as given", () => {
    const aliased = pod({ hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }] });
    const r = dns.resolveFrom(aliased, { name: 'bar.local', type: 'A' });
    assert.deepEqual(
      [r.walk.steps.length, r.walk.final.answeredBy, r.walk.final.answer.map((a) => a.rdata)],
      [0, 'etc-hosts', [{ type: 'A', address: '10.1.2.3' }]],
    );
    const own = dns.resolveFrom(base, { name: 'web-a', type: 'A' });
    assert.equal(
      own.walk.final.answer[0]?.rdata.type === 'A' && own.walk.final.answer[0].rdata.address,
      '10.244.1.10',
    );
    const db = model.pods.find((p) => p.name === 'db-0')!;
    assert.equal(
      dns.resolveFrom(db, { name: 'db-0.db.shop.svc.cluster.local', type: 'A' }).walk.final.answeredBy,
      'etc-hosts',
    );
  });

  it('SRV and names not in the file go to DNS; hostNetwork pods do not get the kubelet-managed file', () => {
    const aliased = pod({ hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local'] }] });
    assert.equal(
      dns.resolveFrom(aliased, { name: 'foo.local', type: 'SRV' }).walk.final.answeredBy,
      'forward',
    );
    assert.notEqual(
      dns.resolveFrom(
        pod({
          hostNetwork: true,
          dnsPolicy: 'ClusterFirstWithHostNet',
          hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local'] }],
        }),
        { name: 'foo.local', type: 'A' },
      ).walk.final.answeredBy,
      'etc-hosts',
    );
  });
});

it('hostAliases are read from the pod spec; an entry without an IP address is an error (the pod is left out, as the API server refuses it)', () => {
  const built = buildYaml(
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostAliases: [{ip: 10.9.9.9, hostnames: [a.corp]}]\n  containers: [{name: c, image: x}]\n---\n' +
      'apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  hostAliases: [{ip: nope, hostnames: [b.corp]}]\n  containers: [{name: c, image: x}]\n',
  );
  assert.deepEqual(built.model.pods.find((p) => p.name === 'p')?.hostAliases, [
    { ip: '10.9.9.9', hostnames: ['a.corp'] },
  ]);
  const d = built.diagnostics.find((x) => x.code === 'invalid-ip');
  assert.deepEqual([d?.source?.line, d?.source?.path], [12, 'spec.hostAliases[0].ip']);
});
