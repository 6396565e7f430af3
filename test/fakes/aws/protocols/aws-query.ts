import { AwsServiceError } from '../service-error';
import { ServiceModel, shapeOf } from '../service-model';
import { DecodedRequest, errorStatus, headerValue, RawRequest, WireProtocol, WireResponse } from './wire';

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * AWS query protocol (STS): a form-encoded `POST /` with `Action=<Operation>&Version=<apiVersion>`
 * and members flattened into keys (`Tags.member.1.Key`); XML responses wrapped in
 * `<OperationResponse><OperationResult>`, errors in `<ErrorResponse><Error>`.
 */
export class AwsQueryProtocol implements WireProtocol {
  constructor(private readonly model: ServiceModel, private readonly signingName: string) {}

  public matches(req: RawRequest): boolean {
    const contentType = headerValue(req.headers, 'content-type') ?? '';
    if (req.method !== 'POST' || !contentType.startsWith('application/x-www-form-urlencoded')) return false;
    const action = new URLSearchParams(req.body).get('Action') ?? '';
    const scope = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(headerValue(req.headers, 'authorization') ?? '')?.[1];
    return this.model.operations[action] !== undefined && (scope === undefined || scope === this.signingName);
  }

  public decode(req: RawRequest): DecodedRequest {
    const form = new URLSearchParams(req.body);
    const operation = form.get('Action') ?? '';
    const op = this.model.operations[operation];
    if (!op) throw new AwsServiceError('InvalidAction', `Could not find operation ${operation} for version ${form.get('Version')}`);
    if (form.get('Version') !== this.model.metadata.apiVersion) {
      throw new AwsServiceError('InvalidAction', `Could not find operation ${operation} for version ${form.get('Version')}`);
    }
    const input = op.input ? this.readShape(op.input.shape, form, '') : {};
    return { operation, input: (input ?? {}) as Record<string, unknown> };
  }

  public encodeOutput(operation: string, output: Record<string, unknown>, requestId: string): WireResponse {
    const op = this.model.operations[operation];
    const ns = this.model.metadata.xmlNamespace ?? '';
    const result = op.output ? this.writeShape(op.output.shape, output) : '';
    const wrapper = op.output?.resultWrapper ?? `${operation}Result`;
    const body = `<${operation}Response xmlns="${ns}"><${wrapper}>${result}</${wrapper}>`
      + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
    return { statusCode: 200, headers: this.headers(requestId), body };
  }

  public encodeError(error: AwsServiceError, requestId: string): WireResponse {
    const ns = this.model.metadata.xmlNamespace ?? '';
    const statusCode = errorStatus(this.model, error);
    // Modelled errors may declare a different wire code (`MalformedPolicyDocumentException` → `MalformedPolicyDocument`).
    const code = this.model.shapes[error.code]?.error?.code ?? error.code;
    const body = `<ErrorResponse xmlns="${ns}"><Error><Type>${statusCode >= 500 ? 'Receiver' : 'Sender'}</Type>`
      + `<Code>${escapeXml(code)}</Code><Message>${escapeXml(error.message)}</Message></Error>`
      + `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { statusCode, headers: this.headers(requestId), body };
  }

  private headers(requestId: string): Record<string, string> {
    return { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
  }

  /** Rebuilds a member value from the flattened form keys under `prefix`. */
  private readShape(shapeName: string, form: URLSearchParams, prefix: string): unknown {
    const shape = shapeOf(this.model, shapeName);
    const key = (name: string) => (prefix ? `${prefix}.${name}` : name);
    switch (shape.type) {
      case 'structure': {
        const out: Record<string, unknown> = {};
        for (const [name, ref] of Object.entries(shape.members ?? {})) {
          const v = this.readShape(ref.shape, form, key(ref.locationName ?? name));
          if (v !== undefined) out[name] = v;
        }
        return prefix && Object.keys(out).length === 0 ? undefined : out;
      }
      case 'list': {
        if (form.get(prefix) === '') return []; // an empty list is sent as `Name=`
        const itemPrefix = shape.flattened ? prefix : `${prefix}.${shape.member?.locationName ?? 'member'}`;
        const items: unknown[] = [];
        for (let i = 1; ; i++) {
          const item = this.readShape(shape.member!.shape, form, `${itemPrefix}.${i}`);
          if (item === undefined) break;
          items.push(item);
        }
        return items.length ? items : undefined;
      }
      case 'map': {
        // entries are `<prefix>.entry.N.<key name>` / `.<value name>` (SNS MessageAttributes: `.Name`, `.Value.DataType`)
        const out: Record<string, unknown> = {};
        const keyName = shape.key?.locationName ?? 'key';
        const valueName = shape.value?.locationName ?? 'value';
        for (let i = 1; form.has(`${prefix}.entry.${i}.${keyName}`); i++) {
          out[form.get(`${prefix}.entry.${i}.${keyName}`)!] = this.readShape(shape.value!.shape, form, `${prefix}.entry.${i}.${valueName}`);
        }
        return Object.keys(out).length ? out : undefined;
      }
      default: {
        const raw = form.get(prefix);
        if (raw === null) return undefined;
        if (['integer', 'long', 'double', 'float'].includes(shape.type)) return raw.trim() === '' ? raw : Number(raw);
        if (shape.type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
        return raw;
      }
    }
  }

  private writeShape(shapeName: string, value: unknown): string {
    const shape = shapeOf(this.model, shapeName);
    switch (shape.type) {
      case 'structure':
        return Object.entries(shape.members ?? {})
          .map(([name, ref]) => this.writeMember(ref.locationName ?? name, ref.shape, (value as Record<string, unknown>)[name]))
          .join('');
      case 'map':
        return Object.entries(value as Record<string, unknown>)
          .map(([k, v]) => `<entry><key>${escapeXml(k)}</key>${this.writeMember('value', shape.value!.shape, v)}</entry>`).join('');
      case 'timestamp':
        return (value instanceof Date ? value : new Date(value as string)).toISOString();
      default:
        return escapeXml(String(value));
    }
  }

  /** `<tag>value</tag>`; lists repeat `<member>` inside the tag, or repeat the tag itself when flattened. */
  private writeMember(tag: string, shapeName: string, value: unknown): string {
    if (value === undefined || value === null) return '';
    const shape = shapeOf(this.model, shapeName);
    if (shape.type !== 'list') return `<${tag}>${this.writeShape(shapeName, value)}</${tag}>`;
    const itemTag = shape.flattened ? tag : shape.member?.locationName ?? 'member';
    const items = (value as unknown[]).map(item => this.writeMember(itemTag, shape.member!.shape, item)).join('');
    return shape.flattened ? items : `<${tag}>${items}</${tag}>`;
  }
}
