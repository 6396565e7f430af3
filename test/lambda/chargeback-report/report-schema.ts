/** The published JSON Schema of chargeback.json (docs/chargeback-report.schema.json), compiled once. */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'chargeback-report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** The schema's complaints about a document ([] when it conforms). */
export function schemaErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
