import { AwsServiceError } from '../service-error';
import { ServiceModel, shapeOf } from '../service-model';
import { compileRoute, decodeLabel, fromString, Route } from './http-routes';
import { DecodedRequest, errorMembers, errorStatus, headerValue, parseJsonBody, RawRequest, toJsonShape, WireProtocol, WireResponse } from './wire';

/**
 * AWS restJson1 (Bedrock control plane): the operation is found from the HTTP method and the
 * `requestUri` templates of the model; members bind to URI labels, query strings, headers or the
 * JSON body. Errors carry their code in the `x-amzn-errortype` header.
 */
export class RestJsonProtocol implements WireProtocol {
  private readonly routes: Route[];

  constructor(private readonly model: ServiceModel) {
    this.routes = Object.entries(model.operations)
      .map(([name, op]) => compileRoute(name, op.http.method, op.http.requestUri))
      .sort((a, b) => b.specificity - a.specificity);
  }

  public matches(req: RawRequest): boolean {
    return this.route(req) !== undefined;
  }

  public decode(req: RawRequest): DecodedRequest {
    const found = this.route(req);
    if (!found) throw new AwsServiceError('UnknownOperationException', `No operation matches ${req.method} ${req.path}`, { statusCode: 404 });
    const { route, match } = found;
    const op = this.model.operations[route.operation];
    const input: Record<string, unknown> = {};
    const inputShape = op.input ? shapeOf(this.model, op.input.shape) : undefined;
    const bodyMembers = new Set<string>();
    for (const [name, ref] of Object.entries(inputShape?.members ?? {})) {
      const shape = shapeOf(this.model, ref.shape);
      const wireName = ref.locationName ?? name;
      if (ref.location === 'uri') {
        const i = route.labels.indexOf(wireName);
        if (i >= 0) input[name] = fromString(shape, decodeLabel(match[i + 1]));
      } else if (ref.location === 'querystring') {
        const values = req.query.getAll(wireName);
        if (values.length === 0) continue;
        input[name] = shape.type === 'list'
          ? values.map(v => fromString(shapeOf(this.model, shape.member!.shape), v))
          : fromString(shape, values[0]);
      } else if (ref.location === 'header') {
        const value = headerValue(req.headers, wireName);
        if (value !== undefined) input[name] = fromString(shape, value);
      } else if (!ref.location) {
        bodyMembers.add(name);
      }
    }
    if (bodyMembers.size > 0) {
      const body = parseJsonBody(req.body);
      for (const name of bodyMembers) if (body[name] !== undefined) input[name] = body[name];
    }
    return { operation: route.operation, input };
  }

  public encodeOutput(operation: string, output: Record<string, unknown>, requestId: string): WireResponse {
    const op = this.model.operations[operation];
    const body = op.output ? toJsonShape(this.model, op.output.shape, output) : {};
    return {
      statusCode: op.http.responseCode ?? 200,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
      body: JSON.stringify(body ?? {}),
    };
  }

  public encodeError(error: AwsServiceError, requestId: string): WireResponse {
    return {
      statusCode: errorStatus(this.model, error),
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
      body: JSON.stringify(errorMembers(this.model, error)),
    };
  }

  private route(req: RawRequest): { route: Route; match: RegExpExecArray } | undefined {
    for (const route of this.routes) {
      if (route.method !== req.method) continue;
      const match = route.regex.exec(req.path);
      if (!match) continue;
      if ([...route.literalQuery.keys()].some(k => !req.query.has(k))) continue;
      return { route, match };
    }
    return undefined;
  }
}
