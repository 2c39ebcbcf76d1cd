export { parseManifests, separateDocuments, type ManifestText, type ParseResult } from './yaml.ts';
export {
  formatPath,
  rawFromData,
  rawCorrespondence,
  renamedRaw,
  sameRawObject,
  type PathSegment,
  type RawObject,
} from './raw-object.ts';
