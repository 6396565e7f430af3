import { AwsServiceError } from '../service-error';
import type { Shape } from '../service-model';

/* HTTP bindings shared by the REST protocols (rest-json, rest-xml). */

/** An operation's HTTP binding, compiled from its `requestUri` template. */
export interface Route {
  readonly operation: string;
  readonly method: string;
  readonly regex: RegExp;
  readonly labels: string[];
  /** Literal query parameters the requestUri requires (`/path?foo=bar`). */
  readonly literalQuery: URLSearchParams;
  /** Routes with fewer labels and longer literals win over more generic ones. */
  readonly specificity: number;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles `/{Bucket}/{Key+}?list-type=2`-style templates: `{label}` one segment, `{label+}` greedy. */
export function compileRoute(operation: string, method: string, requestUri: string): Route {
  const [pathPart, queryPart = ''] = requestUri.split('?');
  const labels: string[] = [];
  let literalLength = 0;
  const source = pathPart.split(/(\{[^}]+\})/).map(piece => {
    const label = /^\{([^}+]+)(\+)?\}$/.exec(piece);
    if (!label) {
      literalLength += piece.length;
      return escapeRegex(piece);
    }
    labels.push(label[1]);
    return label[2] ? '(.+)' : '([^/]+)';
  }).join('');
  return {
    operation,
    method,
    labels,
    regex: new RegExp(`^${source}/?$`),
    literalQuery: new URLSearchParams(queryPart),
    specificity: literalLength - labels.length * 1000,
  };
}

/** Percent-decodes a URI label. */
export function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AwsServiceError('SerializationException', `Malformed percent-encoding in the request path: ${raw}`);
  }
}

/** Converts a string from a URI label, query string or header to the member's shape type. */
export function fromString(shape: Shape, raw: string): unknown {
  switch (shape.type) {
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return raw.trim() === '' ? raw : Number(raw);
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    default:
      return raw;
  }
}
