import { AwsServiceError } from '../service-error';
import { ServiceModel } from '../service-model';
import { DecodedRequest, errorMembers, errorStatus, headerValue, parseJsonBody, RawRequest, toJsonShape, WireProtocol, WireResponse } from './wire';

/**
 * AWS JSON 1.0/1.1 (Cost Explorer, Resource Groups Tagging API, SSM): `POST /` with the operation
 * in `X-Amz-Target: <targetPrefix>.<Operation>` and the input as a JSON body; errors carry their
 * code in `__type`.
 */
export class JsonRpcProtocol implements WireProtocol {
  private readonly contentType: string;
  private readonly targetPrefix: string;

  constructor(private readonly model: ServiceModel) {
    this.contentType = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
    if (!model.metadata.targetPrefix) throw new Error(`${model.metadata.serviceId} has no targetPrefix`);
    this.targetPrefix = model.metadata.targetPrefix;
  }

  public matches(req: RawRequest): boolean {
    return (headerValue(req.headers, 'x-amz-target') ?? '').startsWith(`${this.targetPrefix}.`);
  }

  public decode(req: RawRequest): DecodedRequest {
    const target = headerValue(req.headers, 'x-amz-target') ?? '';
    const operation = target.slice(this.targetPrefix.length + 1);
    if (req.method !== 'POST' || !this.model.operations[operation]) {
      throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target}`);
    }
    return { operation, input: parseJsonBody(req.body) };
  }

  public encodeOutput(operation: string, output: Record<string, unknown>, requestId: string): WireResponse {
    const shapeName = this.model.operations[operation].output?.shape;
    const body = shapeName ? toJsonShape(this.model, shapeName, output) : {};
    return { statusCode: 200, headers: this.headers(requestId), body: JSON.stringify(body ?? {}) };
  }

  public encodeError(error: AwsServiceError, requestId: string): WireResponse {
    const body = { __type: error.code, ...errorMembers(this.model, error) };
    return { statusCode: errorStatus(this.model, error), headers: this.headers(requestId), body: JSON.stringify(body) };
  }

  private headers(requestId: string): Record<string, string> {
    return { 'content-type': this.contentType, 'x-amzn-requestid': requestId };
  }
}
