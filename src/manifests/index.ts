// Reading Kubernetes manifests: files, folders, globs and stdin into objects, each with the
// place it came from and a way to place any of its fields. See README.md beside this file.
export { readManifests, type ReadOptions, type ReadResult } from './read';
export {
  formatReadError,
  parseManifestText,
  parseYamlValues,
  type ManifestObject,
  type Origin,
  type ParseOptions,
  type ParseResult,
  type ReadError,
} from './parse';
export { readInputFile, type FileText } from './file';
export { cachedParser, parsedFrom, type ByteStore, type Parser } from './parse-cache';
export { DEFAULT_MAX_FILE_SIZE, MAX_DEPTH } from './limits';
export { parseFieldPath, type PathSegment } from './path';
export type { YamlVersion } from './schema';
