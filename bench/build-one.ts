/**
 * One build measurement in a fresh process (so peak memory belongs to this case alone):
 * `node --import tsx bench/build-one.ts realistic 150000` prints one JSON line.
 */
import { stringify } from 'yaml';
import { generateBodies, generateCluster } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { parseManifests } from '../src/parse/index.ts';

const [family = 'realistic', podsText = '1000', policiesText] = process.argv.slice(2);
const pods = Number(podsText);
const opts = {
  family: family as 'realistic' | 'random-labels',
  pods,
  policies: policiesText ? Number(policiesText) : undefined,
};

// YAML parsing is reported separately: serialise the generated objects, then time parseManifests on the text.
const text = generateBodies(opts)
  .map((b) => stringify(b))
  .join('---\n');
let t = performance.now();
const parsed = parseManifests([{ file: 'bench.yaml', text }]);
const parseMs = performance.now() - t;
const parsedCount = parsed.objects.length;
parsed.objects.length = 0;
global.gc?.();

const { objects, profile } = generateCluster(opts);
global.gc?.();
const rssBefore = process.memoryUsage().rss;
t = performance.now();
const { model, diagnostics } = buildCluster(objects, { profile });
const buildMs = performance.now() - t;
const rssAfter = process.memoryUsage().rss;
const result = {
  family,
  pods: model.pods.length,
  services: model.services.length,
  endpointSlices: model.endpointSlices.length,
  networkPolicies: model.networkPolicies.length,
  objects: objects.length,
  yamlBytes: text.length,
  yamlObjects: parsedCount,
  parseMs: Math.round(parseMs),
  buildMs: Math.round(buildMs),
  buildRssDeltaMB: Math.round((rssAfter - rssBefore) / 1048576),
  peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  errors: diagnostics.filter((d) => d.severity === 'error').length,
};
process.stdout.write(JSON.stringify(result) + '\n');
