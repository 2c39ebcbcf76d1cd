/**
 * Rule `kubelet-appends-node-search-domains`: kubelet builds a ClusterFirst pod's search list as the cluster's three
 * domains followed by the node's own (its `--resolv-conf`), without duplicates, and gives a dnsPolicy Default pod the
 * node's list as it is (pkg/kubelet/network/dns/dns.go, generateSearchesForDNSClusterFirst and GetPodDNS). The
 * node's domains come from the profile's `nodeSearchDomains`, stated or inferred from the Nodes' spec.providerID
 * (https://cloud.google.com/compute/docs/internal-dns,
 * https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSetConcepts.html); when nothing states them, an answer
 * whose walk goes past the cluster's domains says what it assumes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from '../../cluster/_test-helpers.ts';
import { createDns, nodeSearchAssumed, renderResolvConf, unknownResolution } from './index.ts';
import { fixtureProfile, fixtureYaml } from './_fixture.ts';

const withDomains = (domains: string) => `${fixtureProfile}nodeSearchDomains: ${domains}\n`;
const setup = (profile: string) => {
  const model = buildYaml(fixtureYaml, { profile }).model;
  const pod = model.pods.find((p) => p.name === 'web-a')!;
  return { dns: createDns(model), pod };
};

describe('rule kubelet-appends-node-search-domains', () => {
  it("a ClusterFirst pod's search list is the cluster's three domains, then the node's, without duplicates", () => {
    const { dns, pod } = setup(withDomains('[c.shop-prod.internal, google.internal, cluster.local]'));
    const rc = dns.resolveFrom(pod, { name: 'x', type: 'A' }).resolvConf;
    assert.equal(
      renderResolvConf(rc),
      'search shop.svc.cluster.local svc.cluster.local cluster.local c.shop-prod.internal google.internal\nnameserver 10.96.0.10\noptions ndots:5\n',
    );
  });

  it("a short name the cluster does not answer is tried under the node's domains, whose upstream reply is unknown", () => {
    const { dns, pod } = setup(withDomains('[google.internal]'));
    const res = dns.resolveFrom(pod, { name: 'metadata', type: 'A' }, { libc: 'glibc' });
    assert.deepEqual(
      res.walk.steps.map((s) => s.name),
      [
        'metadata.shop.svc.cluster.local.',
        'metadata.svc.cluster.local.',
        'metadata.cluster.local.',
        'metadata.google.internal.',
        'metadata.',
      ],
    );
    assert.match(unknownResolution(res) ?? '', /metadata\.google\.internal\./);
    assert.equal(nodeSearchAssumed(res), undefined);
  });

  it("a dnsPolicy Default pod gets the node's domains as they are, and is no longer unknown for not having them", () => {
    const { dns, pod } = setup(withDomains('[corp.example]'));
    const res = dns.resolveFrom({ ...pod, dnsPolicy: 'Default' }, { name: 'target.example.com', type: 'A' });
    assert.deepEqual(res.resolvConf.searches, ['corp.example']);
    assert.equal(res.walk.resolvedName, 'target.example.com.');
    assert.equal(unknownResolution(res), undefined);
  });

  it("without nodeSearchDomains, a walk past the cluster's domains says it assumes the node has none", () => {
    const { dns, pod } = setup(fixtureProfile);
    const nx = dns.resolveFrom(pod, { name: 'nosuchservice', type: 'A' }, { libc: 'glibc' });
    assert.equal(nx.walk.rcode, 'NXDOMAIN');
    assert.match(nodeSearchAssumed(nx) ?? '', /node's own search domains .* not in the input/);
    // Answered within the cluster's domains: nothing is assumed.
    const svc = dns.resolveFrom(pod, { name: 'web', type: 'A' }, { libc: 'glibc' });
    assert.equal(svc.walk.resolvedName, 'web.shop.svc.cluster.local.');
    assert.equal(nodeSearchAssumed(svc), undefined);
    // An absolute name is never searched.
    const abs = dns.resolveFrom(pod, { name: 'nosuchservice.', type: 'A' }, { libc: 'glibc' });
    assert.equal(nodeSearchAssumed(abs), undefined);
  });

  it('an invalid domain in nodeSearchDomains is an invalid-profile error and is left out', () => {
    const built = buildYaml(fixtureYaml, { profile: withDomains('[google.internal, "Bad_Domain"]') });
    assert.ok(codes(built.diagnostics).includes('invalid-profile'));
    const pod = built.model.pods.find((p) => p.name === 'web-a')!;
    const rc = createDns(built.model).resolveFrom(pod, { name: 'x', type: 'A' }).resolvConf;
    assert.deepEqual(rc.searches.slice(3), ['google.internal']);
  });
});
