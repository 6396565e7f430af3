import { ServiceModel, shapeOf } from '../service-model';

/** Escapes text and attribute values for XML. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Serializes a value as the XML body of the REST-XML protocol (S3): structure members in model
 * order under their `locationName`, members bound to the HTTP envelope (headers, URI, status code)
 * left out; lists wrap their items in `<member>` (or the member's locationName) unless flattened, in
 * which case the member's tag repeats; timestamps ISO 8601 unless the shape says otherwise.
 */
export class XmlWriter {
  constructor(private readonly model: ServiceModel) {}

  /** The members of a structure, without a wrapping element. */
  public members(shapeName: string, value: Record<string, unknown>): string {
    const shape = shapeOf(this.model, shapeName);
    return Object.entries(shape.members ?? {})
      .filter(([, ref]) => ref.location === undefined)
      .map(([name, ref]) => this.member(ref.locationName ?? name, ref.shape, value[name], ref.flattened))
      .join('');
  }

  /** `<tag>value</tag>`, or the repeated items of a flattened list. */
  public member(tag: string, shapeName: string, value: unknown, flattenedRef = false): string {
    if (value === undefined || value === null) return '';
    const shape = shapeOf(this.model, shapeName);
    switch (shape.type) {
      case 'structure':
        return `<${tag}>${this.members(shapeName, value as Record<string, unknown>)}</${tag}>`;
      case 'list': {
        const flattened = flattenedRef || shape.flattened === true;
        const itemTag = flattened ? tag : shape.member?.locationName ?? 'member';
        const items = (value as unknown[]).map(item => this.member(itemTag, shape.member!.shape, item)).join('');
        return flattened ? items : `<${tag}>${items}</${tag}>`;
      }
      case 'map':
        return `<${tag}>${Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `<entry>${this.member(shape.key?.locationName ?? 'key', shape.key!.shape, k)}`
            + `${this.member(shape.value?.locationName ?? 'value', shape.value!.shape, v)}</entry>`).join('')}</${tag}>`;
      case 'timestamp':
        return `<${tag}>${formatTimestamp(value, shape.timestampFormat ?? 'iso8601')}</${tag}>`;
      case 'blob':
        return `<${tag}>${Buffer.isBuffer(value) ? value.toString('base64') : escapeXml(String(value))}</${tag}>`;
      default:
        return `<${tag}>${escapeXml(String(value))}</${tag}>`;
    }
  }
}

/** A timestamp in a botocore format: `iso8601`, `rfc822` (HTTP date) or `unixTimestamp` (seconds). */
export function formatTimestamp(value: unknown, format: 'iso8601' | 'rfc822' | 'unixTimestamp'): string {
  const date = value instanceof Date ? value : new Date(value as string | number);
  if (format === 'rfc822') return date.toUTCString();
  if (format === 'unixTimestamp') return String(date.getTime() / 1000);
  return date.toISOString();
}
