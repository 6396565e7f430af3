import type { IncomingHttpHeaders } from 'node:http';
import { AwsServiceError } from '../service-error';
import { ServiceModel, Shape, shapeOf } from '../service-model';

/** An HTTP request as the fake received it. */
export interface RawRequest {
  readonly method: string;
  /** The path, still percent-encoded, without the query string. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The body as UTF-8 text. */
  readonly body: string;
  /** The body's bytes (binary payloads, e.g. S3 objects). */
  readonly rawBody: Buffer;
}

/** What a protocol found in a request. */
export interface DecodedRequest {
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /**
   * Members added to the input after validation, that the model validator cannot check (a binary
   * payload such as S3's `Body`, as a Buffer).
   */
  readonly unvalidated?: Record<string, unknown>;
}

/** A response ready to write. */
export interface WireResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer;
}

/** One AWS wire protocol (rest-json, json 1.1, query) bound to one service model. */
export interface WireProtocol {
  /** Whether this request is addressed to this protocol's service (cheap, no parsing of the body). */
  matches(req: RawRequest): boolean;
  /** Decodes operation and input; throws AwsServiceError when the request cannot be understood. */
  decode(req: RawRequest): DecodedRequest;
  encodeOutput(operation: string, output: Record<string, unknown>, requestId: string): WireResponse;
  encodeError(error: AwsServiceError, requestId: string): WireResponse;
}

/**
 * The HTTP status for an error: the error's own override, else the `httpStatusCode` of the
 * modelled error shape, else 500 for shapes marked `fault`, else 400.
 */
export function errorStatus(model: ServiceModel, error: AwsServiceError): number {
  if (error.statusCode !== undefined) return error.statusCode;
  const shape = errorShape(model, error.code);
  if (shape?.error?.httpStatusCode !== undefined) return shape.error.httpStatusCode;
  return shape?.fault ? 500 : 400;
}

/**
 * The modelled error shape of a code: the shape of that name, or the one whose wire code it is
 * (query services such as SNS answer `NotFound` for the shape `NotFoundException`).
 */
export function errorShape(model: ServiceModel, code: string): Shape | undefined {
  const named = model.shapes[code];
  if (named?.exception) return named;
  return Object.values(model.shapes).find(s => s.exception && s.error?.code === code) ?? named;
}

/** The error body members: the message under the member name the model uses, plus extra fields. */
export function errorMembers(model: ServiceModel, error: AwsServiceError): Record<string, unknown> {
  const members = model.shapes[error.code]?.members ?? {};
  const messageMember = Object.keys(members).find(m => m.toLowerCase() === 'message') ?? 'message';
  return { [messageMember]: error.message, ...error.fields };
}

function toTimestamp(value: unknown, format: string): unknown {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date) return value;
  return format === 'iso8601' ? date.toISOString() : date.getTime() / 1000;
}

/**
 * Converts a handler's output into JSON-ready data following the output shape: timestamps in the
 * shape's format (epoch seconds unless the model says iso8601), undefined members dropped.
 */
export function toJsonShape(model: ServiceModel, shapeName: string, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  const shape = shapeOf(model, shapeName);
  switch (shape.type) {
    case 'structure': {
      if (shape.document || typeof value !== 'object') return value;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (ref.location) continue; // bound to the HTTP envelope, not the body
        const v = toJsonShape(model, ref.shape, (value as Record<string, unknown>)[name]);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'list':
      return Array.isArray(value) ? value.map(item => toJsonShape(model, shape.member!.shape, item)) : value;
    case 'map':
      return Object.fromEntries(Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => [k, toJsonShape(model, shape.value!.shape, v)]));
    case 'timestamp':
      return toTimestamp(value, shape.timestampFormat ?? 'unixTimestamp');
    default:
      return value;
  }
}

/** Parses a JSON body; an empty body is an empty input. */
export function parseJsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch {
    throw new AwsServiceError('SerializationException', 'Unable to parse the request body as a JSON object');
  }
}

/** A header value as one string (Node gives arrays for repeated headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(',') : v;
}
