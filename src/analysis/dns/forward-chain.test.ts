/**
 * Several `forward` stanzas in one server block (an AKS or k3s `*.override` adding one to the default block): CoreDNS
 * chains them in Corefile order and the first whose `from` zone holds the name, not under one of its `except` zones,
 * takes it; a name no stanza takes goes on to the next plugin. coredns/coredns plugin/forward/setup.go (a stanza's
 * next handler is the next stanza), plugin/forward/forward.go (`match`, `isAllowedDomain`), coredns.io/plugins/forward.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorefile } from '../corefile/index.ts';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { createDns } from './index.ts';

const dnsFor = (corefile: string) =>
  createDns(buildYaml('apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n').model, {
    config: parseCorefile(corefile).config,
  });

describe('forward stanzas', () => {
  it('rule forward-chain-first-match: the first stanza whose zone holds the name takes it, a later one only the names the earlier ones pass on', () => {
    const dns = dnsFor(`.:53 {
    forward corp.example.com 10.0.100.53
    forward . /etc/resolv.conf
}`);
    const corp = dns.answer({ name: 'git.corp.example.com.', type: 'A' });
    assert.match(corp.notes.join(' '), /forwarded to 10\.0\.100\.53/);
    const other = dns.answer({ name: 'example.org.', type: 'A' });
    assert.match(other.notes.join(' '), /forwarded to \/etc\/resolv\.conf/);
    // The last stanza alone took every name before: example.org was "no plugin answers", a sure SERVFAIL.
    assert.ok(other.unknown, 'the upstream is not queried: unknown, not a sure SERVFAIL');
  });

  it('rule forward-chain-first-match: `forward .` first shadows a later stanza for a narrower zone', () => {
    const dns = dnsFor(`.:53 {
    forward . /etc/resolv.conf
    forward corp.example.com 10.0.100.53
}`);
    assert.match(
      dns.answer({ name: 'git.corp.example.com.', type: 'A' }).notes.join(' '),
      /forwarded to \/etc\/resolv\.conf/,
    );
  });

  it('rule forward-except: a name under an except zone is not forwarded by that stanza (a name outside it still is)', () => {
    const dns = dnsFor(`.:53 {
    forward . /etc/resolv.conf {
        except internal.example.com
    }
}`);
    const r = dns.answer({ name: 'db.internal.example.com.', type: 'A' });
    assert.equal(r.rcode, 'SERVFAIL');
    assert.equal(r.answeredBy, 'none');
    assert.equal(r.unknown, undefined, 'no plugin takes it: a sure SERVFAIL');
    assert.equal(dns.answer({ name: 'example.com.', type: 'A' }).answeredBy, 'forward');
  });
});
