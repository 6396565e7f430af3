import { randomUUID } from 'node:crypto';
import type { CallLog, CallRecord } from './call-log';
import type { Faults } from './faults';
import { ModelValidator } from './model-validator';
import { AwsQueryProtocol } from './protocols/aws-query';
import { JsonRpcProtocol } from './protocols/json-rpc';
import { RestJsonProtocol } from './protocols/rest-json';
import { RestXmlProtocol } from './protocols/rest-xml';
import { RawRequest, WireProtocol, WireResponse } from './protocols/wire';
import type { RequestContext, ServiceDefinition } from './service-definition';
import { AwsServiceError } from './service-error';
import { loadServiceModel, ServiceModel } from './service-model';
import { parseSigV4Scope, partitionOf } from './sigv4-scope';
import type { FakeState } from './state/fake-state';

/** A service definition with its model, wire protocol and validator. */
interface BoundService {
  readonly def: ServiceDefinition;
  readonly model: ServiceModel;
  readonly protocol: WireProtocol;
  readonly validator: ModelValidator;
}

function bind(def: ServiceDefinition): BoundService {
  const model = loadServiceModel(def.modelName);
  for (const op of Object.keys(def.handlers)) {
    if (!model.operations[op]) throw new Error(`${def.key}: ${op} is not an operation of the ${model.metadata.serviceId} model`);
  }
  const protocols: Record<string, () => WireProtocol> = {
    'rest-json': () => new RestJsonProtocol(model),
    'json': () => new JsonRpcProtocol(model),
    'query': () => new AwsQueryProtocol(model, def.key),
    'rest-xml': () => new RestXmlProtocol(model, { signingName: def.key, outputRootElements: def.outputRootElements }),
  };
  const protocol = protocols[model.metadata.protocol]?.();
  if (!protocol) throw new Error(`protocol ${model.metadata.protocol} of ${def.key} is not supported`);
  return { def, model, protocol, validator: new ModelValidator(model) };
}

/** The outcome of one request: a response, or a connection to destroy. */
export type PipelineResult = { readonly response: WireResponse } | { readonly drop: true };

/** What the pipeline needs from its fake. */
export interface PipelineDeps {
  readonly state: FakeState;
  readonly faults: Faults;
  readonly calls: CallLog;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * Serves one request: find the service and operation, apply injected faults, authenticate the
 * SigV4 scope, validate the input against the model, run the handler, render the answer in the
 * service's protocol, and record the call.
 */
export class RequestPipeline {
  private readonly services: BoundService[];

  constructor(definitions: readonly ServiceDefinition[], private readonly deps: PipelineDeps) {
    // rest-json matches by path, so the header-, scope- and body-addressed protocols are tried first
    const byPath = (s: BoundService) => Number(s.protocol instanceof RestJsonProtocol);
    this.services = definitions.map(bind).sort((a, b) => byPath(a) - byPath(b));
  }

  public async handle(req: RawRequest): Promise<PipelineResult> {
    const started = new Date();
    const requestId = randomUUID();
    const scope = parseSigV4Scope(req.headers);
    const service = this.services.find(s => s.protocol.matches(req));
    const base = { accountId: undefined as string | undefined, region: scope?.region, injected: false, at: started, arrivedAtMs: performance.now() };
    if (!service) {
      this.record({ ...base, service: 'unknown', operation: 'unknown', outcome: 'error', errorCode: 'UnknownOperationException', statusCode: 404 });
      const body = JSON.stringify({ __type: 'UnknownOperationException', message: `The AWS fake serves no operation for ${req.method} ${req.path}` });
      return { response: { statusCode: 404, headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, body } };
    }
    const { def, protocol } = service;
    let operation = 'unknown';
    let accountId: string | undefined;
    const answer = (response: WireResponse, errorCode?: string, injected = false): PipelineResult => {
      this.record({ ...base, service: def.key, operation, accountId, injected, outcome: errorCode ? 'error' : 'ok', errorCode, statusCode: response.statusCode });
      return { response };
    };
    try {
      const decoded = protocol.decode(req);
      operation = decoded.operation;
      const plan = this.deps.faults.plan(def.key, operation, Date.now());
      if (plan.drop) {
        this.record({ ...base, service: def.key, operation, injected: true, outcome: 'dropped' });
        return { drop: true };
      }
      if (plan.latencyMs > 0) await this.deps.sleep(plan.latencyMs);
      if (plan.error) {
        const error = plan.error.kind === 'throttle'
          ? new AwsServiceError(plan.error.code ?? def.throttlingErrorCode, def.throttling?.message ?? 'Rate exceeded',
            { statusCode: plan.error.code === undefined ? def.throttling?.statusCode : undefined })
          : new AwsServiceError(plan.error.code ?? def.serverErrorCode, 'An internal error occurred (injected by the AWS fake).',
            { statusCode: plan.error.statusCode ?? 500 });
        return answer(protocol.encodeError(error, requestId), error.code, true);
      }
      const ctx = this.authenticate(service, scope);
      accountId = ctx.accountId;
      const handler = def.handlers[operation];
      if (!handler) throw new AwsServiceError('UnknownOperationException', `${operation} is not implemented by the AWS fake.`);
      this.validate(service, operation, decoded.input);
      const output = await handler({ ...decoded.input, ...decoded.unvalidated }, ctx);
      return answer(protocol.encodeOutput(operation, output as Record<string, unknown>, requestId));
    } catch (e) {
      const error = e instanceof AwsServiceError ? e
        : new AwsServiceError(def.serverErrorCode, `The AWS fake failed: ${(e as Error).stack ?? String(e)}`, { statusCode: 500 });
      return answer(protocol.encodeError(error, requestId), error.code);
    }
  }

  private authenticate(service: BoundService, scope: ReturnType<typeof parseSigV4Scope>): RequestContext {
    const { def } = service;
    if (!scope) throw new AwsServiceError(def.missingAuthErrorCode, 'Missing Authentication Token', { statusCode: 403 });
    const creds = this.deps.state.credentials.lookup(scope.accessKeyId);
    if (!creds || (creds.sessionToken !== undefined && creds.sessionToken !== scope.sessionToken)) {
      throw new AwsServiceError(def.unknownCredentialsErrorCode, 'The security token included in the request is invalid.', { statusCode: 403 });
    }
    if (scope.service !== def.key) {
      throw new AwsServiceError('InvalidSignatureException', `Credential should be scoped to correct service: '${def.key}'.`, { statusCode: 403 });
    }
    const state = this.deps.state;
    const account = state.account(creds.accountId);
    return {
      accountId: creds.accountId,
      region: scope.region,
      accessKeyId: scope.accessKeyId,
      partition: partitionOf(scope.region),
      now: this.deps.now(),
      state,
      regionState: account.region(scope.region),
      billing: account.billing,
      validator: service.validator,
    };
  }

  private validate(service: BoundService, operation: string, input: Record<string, unknown>): void {
    const violations = service.validator.validateInput(operation, input);
    if (violations.length === 0) return;
    const typeErrors = violations.filter(v => v.kind === 'type');
    if (typeErrors.length > 0) {
      throw new AwsServiceError(service.def.serializationErrorCode, ModelValidator.describe(typeErrors));
    }
    throw new AwsServiceError(service.def.validationErrorCode, ModelValidator.describe(violations));
  }

  private record(call: Omit<CallRecord, 'durationMs'>): void {
    this.deps.calls.record({ ...call, durationMs: Math.round(performance.now() - call.arrivedAtMs) });
  }
}
