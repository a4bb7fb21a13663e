// npm run docs: writes the files generated from offgate's own tables (src/config/reference.ts):
// the JSON Schema of offgate.yaml and its Markdown reference. test/config-reference.test.ts
// fails when they are stale.
import { writeFileSync } from 'node:fs';
import { REFERENCE_FILE, SCHEMA_FILE, configJsonSchema, configReference } from '../src/config/reference';

writeFileSync(SCHEMA_FILE, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
writeFileSync(REFERENCE_FILE, configReference());
console.log(`wrote ${SCHEMA_FILE} and ${REFERENCE_FILE}`);
