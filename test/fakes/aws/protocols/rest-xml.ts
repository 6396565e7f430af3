import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../service-error';
import { MemberRef, ServiceModel, shapeOf } from '../service-model';
import { decodeAwsChunked } from './aws-chunked';
import { compileRoute, decodeLabel, fromString, Route } from './http-routes';
import { DecodedRequest, errorStatus, headerValue, RawRequest, WireProtocol, WireResponse } from './wire';
import { escapeXml, formatTimestamp, XmlWriter } from './xml-writer';

/** Options of the REST-XML protocol. */
export interface RestXmlOptions {
  /** The SigV4 signing name that addresses the service (`s3`). */
  readonly signingName: string;
  /** Root element of an operation's XML output (`ListObjectsV2` → `ListBucketResult`). @default `<Operation>Result` */
  readonly outputRootElements?: Readonly<Record<string, string>>;
}

const CREDENTIAL_SERVICE = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//;

/**
 * AWS restXml (S3), path-style addressing: the operation is found from the method, the path
 * (`/{Bucket}/{Key+}`) and the literal query of the `requestUri` templates (`?list-type=2`); members
 * bind to URI labels, query strings, headers and prefixed header maps (`x-amz-meta-`), a blob
 * payload is passed through as bytes (decoded from `aws-chunked`, whose trailing headers count as
 * headers). Output members go to headers, the blob payload to the body, the rest into an XML
 * document; errors are S3's `<Error><Code>…</Code><Message>…</Message></Error>`.
 *
 * Requests are recognized by their SigV4 credential scope (the paths alone are ambiguous).
 */
export class RestXmlProtocol implements WireProtocol {
  private readonly routes: Route[];
  private readonly writer: XmlWriter;

  constructor(private readonly model: ServiceModel, private readonly options: RestXmlOptions) {
    const queryKeys = (r: Route) => [...r.literalQuery.keys()].length;
    this.routes = Object.entries(model.operations)
      .map(([name, op]) => compileRoute(name, op.http.method, op.http.requestUri))
      .sort((a, b) => queryKeys(b) - queryKeys(a) || b.specificity - a.specificity);
    this.writer = new XmlWriter(model);
  }

  public matches(req: RawRequest): boolean {
    return CREDENTIAL_SERVICE.exec(headerValue(req.headers, 'authorization') ?? '')?.[1] === this.options.signingName;
  }

  public decode(req: RawRequest): DecodedRequest {
    const found = this.route(req);
    if (!found) throw new AwsServiceError('MethodNotAllowed', 'The specified method is not allowed against this resource.', { statusCode: 405 });
    const { route, match } = found;
    const op = this.model.operations[route.operation];
    const inputShape = op.input ? shapeOf(this.model, op.input.shape) : undefined;
    const { headers, body } = this.unchunk(req);
    const input: Record<string, unknown> = {};
    const unvalidated: Record<string, unknown> = {};
    for (const [name, ref] of Object.entries(inputShape?.members ?? {})) {
      const value = this.readMember(ref, route, match, req.query, headers);
      if (value !== undefined) input[name] = value;
    }
    const payload = (inputShape as { payload?: string } | undefined)?.payload;
    if (payload && shapeOf(this.model, inputShape!.members![payload].shape).type === 'blob') unvalidated[payload] = body;
    return { operation: route.operation, input, unvalidated };
  }

  public encodeOutput(operation: string, output: Record<string, unknown>, requestId: string): WireResponse {
    const op = this.model.operations[operation];
    const shape = op.output ? shapeOf(this.model, op.output.shape) : undefined;
    const headers: Record<string, string> = { ...this.idHeaders(requestId) };
    for (const [name, ref] of Object.entries(shape?.members ?? {})) {
      const value = output[name];
      if (value === undefined || value === null) continue;
      if (ref.location === 'header') {
        const member = shapeOf(this.model, ref.shape);
        headers[(ref.locationName ?? name).toLowerCase()] = member.type === 'timestamp'
          ? formatTimestamp(value, member.timestampFormat ?? 'rfc822') : String(value);
      } else if (ref.location === 'headers') {
        for (const [k, v] of Object.entries(value as Record<string, string>)) headers[`${ref.locationName ?? ''}${k}`.toLowerCase()] = v;
      }
    }
    const payload = (shape as { payload?: string } | undefined)?.payload;
    let body: string | Buffer = '';
    if (payload && shapeOf(this.model, shape!.members![payload].shape).type === 'blob') {
      body = (output[payload] as Buffer | undefined) ?? '';
      headers['content-type'] ??= 'binary/octet-stream';
    } else if (payload) {
      // a structure payload (CopyObject's CopyObjectResult) is the document's root element
      const ref = shape!.members![payload];
      const ns = this.model.metadata.xmlNamespace ?? `http://${this.model.metadata.endpointPrefix}.amazonaws.com/doc/${this.model.metadata.apiVersion}/`;
      const root = ref.locationName ?? payload;
      body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">${this.writer.members(ref.shape, (output[payload] ?? {}) as Record<string, unknown>)}</${root}>`;
      headers['content-type'] = 'application/xml';
    } else if (shape && Object.values(shape.members ?? {}).some(ref => ref.location === undefined)) {
      const root = this.options.outputRootElements?.[operation] ?? `${operation}Result`;
      const ns = this.model.metadata.xmlNamespace ?? `http://${this.model.metadata.endpointPrefix}.amazonaws.com/doc/${this.model.metadata.apiVersion}/`;
      body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">${this.writer.members(op.output!.shape, output)}</${root}>`;
      headers['content-type'] = 'application/xml';
    }
    return { statusCode: op.http.responseCode ?? 200, headers, body };
  }

  public encodeError(error: AwsServiceError, requestId: string): WireResponse {
    const hostId = this.idHeaders(requestId)['x-amz-id-2'];
    const fields = Object.entries(error.fields).map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`).join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>`
      + `${fields}<RequestId>${requestId}</RequestId><HostId>${hostId}</HostId></Error>`;
    return { statusCode: errorStatus(this.model, error), headers: { ...this.idHeaders(requestId), 'content-type': 'application/xml' }, body };
  }

  private idHeaders(requestId: string): Record<string, string> {
    return { 'x-amz-request-id': requestId, 'x-amz-id-2': randomBytes(24).toString('base64') };
  }

  /**
   * The operation a request addresses. Several share a method and path (PutObject, CopyObject): the
   * SDK's `x-id=<Operation>` query parameter decides, else the first whose required headers are all
   * present (CopyObject needs `x-amz-copy-source`).
   */
  private route(req: RawRequest): { route: Route; match: RegExpExecArray } | undefined {
    const candidates: Array<{ route: Route; match: RegExpExecArray }> = [];
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const match = route.regex.exec(req.path);
      if (!match) continue;
      // `?list-type=2` needs that value; `?tagging` only the key
      if ([...route.literalQuery.entries()].some(([k, v]) => !req.query.has(k) || (v !== '' && req.query.get(k) !== v))) continue;
      candidates.push({ route, match });
    }
    const named = candidates.find(c => c.route.operation === req.query.get('x-id'));
    return named ?? candidates.find(c => this.requiredHeaders(c.route.operation).every(h => headerValue(req.headers, h) !== undefined));
  }

  private requiredHeaders(operation: string): string[] {
    const input = this.model.operations[operation].input;
    const shape = input ? shapeOf(this.model, input.shape) : undefined;
    return (shape?.required ?? []).map(name => shape!.members![name]).filter(ref => ref.location === 'header').map(ref => ref.locationName!);
  }

  /** The headers and payload, with an `aws-chunked` body decoded and its trailers taken as headers. */
  private unchunk(req: RawRequest): { headers: Record<string, string>; body: Buffer } {
    const headers: Record<string, string> = {};
    for (const name of Object.keys(req.headers)) headers[name] = headerValue(req.headers, name) ?? '';
    const encodings = (headers['content-encoding'] ?? '').split(',').map(e => e.trim()).filter(e => e !== '');
    if (!encodings.includes('aws-chunked')) return { headers, body: req.rawBody };
    const { payload, trailers } = decodeAwsChunked(req.rawBody);
    const declared = headers['x-amz-decoded-content-length'];
    if (declared !== undefined && Number(declared) !== payload.length) {
      throw new AwsServiceError('IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
    }
    const rest = encodings.filter(e => e !== 'aws-chunked');
    if (rest.length) headers['content-encoding'] = rest.join(',');
    else delete headers['content-encoding'];
    headers['content-length'] = String(payload.length);
    return { headers: { ...headers, ...trailers }, body: payload };
  }

  private readMember(ref: MemberRef, route: Route, match: RegExpExecArray, query: URLSearchParams, headers: Record<string, string>): unknown {
    const shape = shapeOf(this.model, ref.shape);
    const wireName = ref.locationName ?? '';
    switch (ref.location) {
      case 'uri': {
        const i = route.labels.indexOf(wireName);
        return i >= 0 ? fromString(shape, decodeLabel(match[i + 1])) : undefined;
      }
      case 'querystring': {
        const values = query.getAll(wireName);
        if (values.length === 0) return undefined;
        return shape.type === 'list' ? values.map(v => fromString(shapeOf(this.model, shape.member!.shape), v)) : fromString(shape, values[0]);
      }
      case 'header': {
        const value = headers[wireName.toLowerCase()];
        if (value === undefined) return undefined;
        return shape.type === 'list'
          ? value.split(',').map(v => fromString(shapeOf(this.model, shape.member!.shape), v.trim()))
          : fromString(shape, value);
      }
      case 'headers': {
        const prefix = wireName.toLowerCase();
        const entries = Object.entries(headers).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]);
        return entries.length ? Object.fromEntries(entries) : undefined;
      }
      default:
        return undefined;
    }
  }
}
