import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Where the botocore service models used by the fake live (copied from ../shared/aws-models). */
export const MODELS_DIR = path.join(__dirname, '..', '..', 'fixtures', 'aws-models');

/** A member reference inside a botocore structure shape. */
export interface MemberRef {
  readonly shape: string;
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  readonly locationName?: string;
  readonly idempotencyToken?: boolean;
  readonly flattened?: boolean;
  readonly xmlAttribute?: boolean;
}

/** A botocore shape (only the keys the fake reads). */
export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float'
  | 'boolean' | 'timestamp' | 'blob';
  readonly members?: Record<string, MemberRef>;
  readonly required?: string[];
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly enum?: string[];
  readonly union?: boolean;
  readonly document?: boolean;
  readonly sensitive?: boolean;
  readonly flattened?: boolean;
  readonly timestampFormat?: 'iso8601' | 'unixTimestamp' | 'rfc822';
  readonly exception?: boolean;
  readonly fault?: boolean;
  readonly error?: { readonly code?: string; readonly httpStatusCode?: number; readonly senderFault?: boolean };
}

/** A botocore operation. */
export interface Operation {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string; readonly responseCode?: number };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string; readonly resultWrapper?: string };
  readonly errors?: Array<{ readonly shape: string }>;
}

/** A botocore service-2.json document. */
export interface ServiceModel {
  readonly metadata: {
    readonly apiVersion: string;
    readonly endpointPrefix: string;
    readonly protocol: string;
    readonly serviceId: string;
    readonly signingName?: string;
    readonly targetPrefix?: string;
    readonly jsonVersion?: string;
    readonly xmlNamespace?: string;
  };
  readonly operations: Record<string, Operation>;
  readonly shapes: Record<string, Shape>;
}

/** Reads one model file, e.g. `loadServiceModel('bedrock')`. */
export function loadServiceModel(name: string): ServiceModel {
  return JSON.parse(readFileSync(path.join(MODELS_DIR, `${name}.json`), 'utf8')) as ServiceModel;
}

/** Looks a shape up, failing loudly on a dangling reference (a broken model, not a bad request). */
export function shapeOf(model: ServiceModel, name: string): Shape {
  const shape = model.shapes[name];
  if (!shape) throw new Error(`shape ${name} is not in the ${model.metadata.serviceId} model`);
  return shape;
}
