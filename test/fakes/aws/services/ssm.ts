import { createHash } from 'node:crypto';
import type {
  DeleteParameterRequest, DeleteParametersRequest, DeleteParametersResult, GetParameterRequest, GetParameterResult,
  GetParametersByPathRequest, GetParametersByPathResult, Parameter, ParameterStringFilter, PutParameterRequest, PutParameterResult,
} from '@aws-sdk/client-ssm';
import { continueAfter, encodeToken, fingerprint, pageAfter } from '../paging';
import { operation, OperationHandler, RequestContext, ServiceDefinition } from '../service-definition';
import { serviceError } from '../service-error';
import { checkParameterName, checkParameterPath, isUnderPath, parameterArn, splitSelector } from './ssm-names';
import type { StoredParameter } from '../state/fake-state';

const STANDARD_MAX_VALUE = 4096;
const ADVANCED_MAX_VALUE = 8192;
/** Versions kept per parameter; the oldest is dropped beyond this. */
const MAX_VERSIONS = 100;
const BY_PATH_PAGE_SIZE = 10;
/** Filter keys GetParametersByPath understands in the fake (Name, Path and Tier are not allowed there). */
const BY_PATH_FILTER_KEYS = new Set(['Type', 'KeyId', 'DataType']);

type RegionParameters = RequestContext['regionState']['parameters'];

function latest(params: RegionParameters, name: string): StoredParameter | undefined {
  const versions = params.get(name);
  return versions?.[versions.length - 1];
}

/** Finds a parameter by the name a caller gave (ARNs lose their leading slash, so try both). */
function lookup(params: RegionParameters, name: string): StoredParameter[] | undefined {
  return params.get(name) ?? params.get(`/${name}`);
}

function notFound(name: string): Error {
  return serviceError('ParameterNotFound', `Parameter ${name} not found.`);
}

/** What GetParameter(s) return: SecureString values stay ciphertext unless decryption is asked for. */
function view(p: StoredParameter, withDecryption: boolean, selector?: string): Parameter {
  const value = p.type === 'SecureString' && !withDecryption
    ? Buffer.from(`fake-kms:${p.keyId ?? 'alias/aws/ssm'}:${createHash('sha256').update(p.value).digest('hex')}`).toString('base64')
    : p.value;
  return {
    Name: p.name,
    Type: p.type,
    Value: value,
    Version: p.version,
    LastModifiedDate: p.lastModifiedDate,
    ARN: p.arn,
    DataType: p.dataType,
    Selector: selector === undefined ? undefined : `:${selector}`,
  };
}

function tierFor(requested: string | undefined, previous: StoredParameter | undefined, value: string): StoredParameter['tier'] {
  const tier = requested === 'Intelligent-Tiering'
    ? (value.length > STANDARD_MAX_VALUE ? 'Advanced' : previous?.tier ?? 'Standard')
    : (requested as StoredParameter['tier'] | undefined) ?? previous?.tier ?? 'Standard';
  const max = tier === 'Advanced' ? ADVANCED_MAX_VALUE : STANDARD_MAX_VALUE;
  if (value.length > max) {
    throw serviceError('ValidationException', tier === 'Advanced'
      ? `Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX_VALUE} characters.`
      : `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_VALUE} characters. To create a larger parameter value, `
        + 'upgrade the parameter to use the advanced-parameter tier.');
  }
  return tier;
}

function checkAllowedPattern(pattern: string | undefined, value: string): void {
  if (pattern === undefined) return;
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    throw serviceError('InvalidAllowedPatternException', `The request doesn't comply with the regular expression pattern: ${pattern} is not valid.`);
  }
  if (!re.test(value)) {
    throw serviceError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`);
  }
}

function putParameter(input: PutParameterRequest, ctx: RequestContext): PutParameterResult {
  const params = ctx.regionState.parameters;
  const arnPrefix = parameterArn(ctx.partition, ctx.region, ctx.accountId, '');
  const name = checkParameterName(input.Name!, arnPrefix);
  const value = input.Value!;
  if (input.Overwrite && input.Tags?.length) {
    throw serviceError('ValidationException', 'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove '
      + 'overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.');
  }
  if (/\{\{.*\}\}/.test(value)) throw serviceError('ValidationException', 'Parameter value can\'t nest another parameter. Do not use "{{}}" in the value.');
  const previous = latest(params, name);
  if (previous && !input.Overwrite) {
    throw serviceError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
  if (!previous && !input.Type) throw serviceError('ValidationException', 'A parameter type is required when you create a parameter.');
  if (!previous && params.size >= ctx.state.limits.parameterQuota) {
    throw serviceError('ParameterLimitExceeded', `You have reached the limit of ${ctx.state.limits.parameterQuota} parameters.`);
  }
  const allowedPattern = input.AllowedPattern ?? previous?.allowedPattern;
  checkAllowedPattern(allowedPattern, value);
  const stored: StoredParameter = {
    name,
    arn: parameterArn(ctx.partition, ctx.region, ctx.accountId, name),
    type: (input.Type ?? previous!.type) as StoredParameter['type'],
    value,
    version: (previous?.version ?? 0) + 1,
    tier: tierFor(input.Tier, previous, value),
    dataType: input.DataType ?? previous?.dataType ?? 'text',
    description: input.Description ?? previous?.description,
    keyId: input.KeyId ?? previous?.keyId,
    allowedPattern,
    lastModifiedDate: ctx.now,
  };
  const versions = [...(params.get(name) ?? []), stored].slice(-MAX_VERSIONS);
  params.set(name, versions);
  if (input.Tags?.length) ctx.regionState.resources.tag(stored.arn, Object.fromEntries(input.Tags.map(t => [t.Key!, t.Value!])));
  return { Version: stored.version, Tier: stored.tier };
}

function getParameter(input: GetParameterRequest, ctx: RequestContext): GetParameterResult {
  const { name, selector } = splitSelector(input.Name!);
  const versions = lookup(ctx.regionState.parameters, name);
  if (!versions) throw notFound(input.Name!);
  if (selector === undefined) return { Parameter: view(versions[versions.length - 1], input.WithDecryption ?? false) };
  const version = versions.find(v => String(v.version) === selector);
  if (!version) throw serviceError('ParameterVersionNotFound', `Systems Manager could not find version ${selector} of ${name}.`);
  return { Parameter: view(version, input.WithDecryption ?? false, selector) };
}

function matchesFilters(p: StoredParameter, filters: readonly ParameterStringFilter[], ctx: RequestContext): boolean {
  return filters.every(f => {
    const actual = f.Key!.startsWith('tag:')
      ? ctx.regionState.resources.tagsOf(p.arn)[f.Key!.slice(4)]
      : { Type: p.type, KeyId: p.keyId, DataType: p.dataType }[f.Key as 'Type' | 'KeyId' | 'DataType'];
    if (actual === undefined) return false;
    if (!f.Values?.length) return true;
    return f.Option === 'BeginsWith' ? f.Values.some(v => actual.startsWith(v)) : f.Values.includes(actual);
  });
}

function getParametersByPath(input: GetParametersByPathRequest, ctx: RequestContext): GetParametersByPathResult {
  const path = checkParameterPath(input.Path!);
  const filters = input.ParameterFilters ?? [];
  for (const f of filters) {
    if (!BY_PATH_FILTER_KEYS.has(f.Key!) && !f.Key!.startsWith('tag:')) {
      throw serviceError('InvalidFilterKey', `The filter key ${f.Key} is not valid for GetParametersByPath.`);
    }
    if (f.Option !== undefined && f.Option !== 'Equals' && !(f.Option === 'BeginsWith' && f.Key!.startsWith('tag:'))) {
      throw serviceError('InvalidFilterOption', `The filter option ${f.Option} is not valid for key ${f.Key}.`);
    }
  }
  const request = fingerprint({ path, recursive: input.Recursive ?? false, filters });
  const after = continueAfter(input.NextToken, request, () => serviceError('InvalidNextToken', 'The specified token is not valid.'))?.after;
  const matching = [...ctx.regionState.parameters.values()]
    .map(versions => versions[versions.length - 1])
    .filter(p => isUnderPath(p.name, path, input.Recursive ?? false) && matchesFilters(p, filters, ctx))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const page = pageAfter(matching, p => p.name, after, input.MaxResults ?? BY_PATH_PAGE_SIZE);
  return {
    Parameters: page.items.map(p => view(p, input.WithDecryption ?? false)),
    NextToken: page.next === undefined ? undefined : encodeToken({ after: page.next, request }),
  };
}

function deleteOne(name: string, ctx: RequestContext): boolean {
  const params = ctx.regionState.parameters;
  const key = params.has(name) ? name : params.has(`/${name}`) ? `/${name}` : undefined;
  if (key === undefined) return false;
  ctx.regionState.resources.remove(latest(params, key)!.arn);
  params.delete(key);
  return true;
}

/** Throws IAM's AccessDeniedException when the caller's IAM view (`fake.state.access()`) refuses `ssm:<action>` on a parameter. */
function authorize(ctx: RequestContext, action: string, name: string): void {
  const resource = parameterArn(ctx.partition, ctx.region, ctx.accountId, name.replace(/^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\//, ''));
  const denial = ctx.state.access(ctx.accountId).authorize(`ssm:${action}`, resource);
  if (denial) throw serviceError('AccessDeniedException', denial.message);
}

/**
 * Checks IAM before the operation, on the resources it names: the parameter (without a version
 * selector), each name of DeleteParameters, the path of GetParametersByPath (without its trailing slash).
 */
function authorized(action: string, names: (input: Record<string, unknown>) => string[], handler: OperationHandler): OperationHandler {
  return (input, ctx) => {
    for (const name of names(input)) authorize(ctx, action, name);
    return handler(input, ctx);
  };
}

/** The SSM Parameter Store fake (json 1.1). */
export function ssmService(): ServiceDefinition {
  return {
    key: 'ssm',
    modelName: 'ssm',
    validationErrorCode: 'ValidationException',
    serializationErrorCode: 'SerializationException',
    throttlingErrorCode: 'ThrottlingException',
    serverErrorCode: 'InternalServerError',
    unknownCredentialsErrorCode: 'UnrecognizedClientException',
    missingAuthErrorCode: 'MissingAuthenticationTokenException',
    handlers: {
      PutParameter: authorized('PutParameter', (i) => [String(i.Name).trim()], operation(putParameter)),
      GetParameter: authorized('GetParameter', (i) => [splitSelector(String(i.Name)).name], operation(getParameter)),
      GetParametersByPath: authorized('GetParametersByPath', (i) => [String(i.Path).replace(/(.)\/$/, '$1')], operation(getParametersByPath)),
      DeleteParameter: authorized('DeleteParameter', (i) => [String(i.Name)], operation((input: DeleteParameterRequest, ctx) => {
        if (!deleteOne(input.Name!, ctx)) throw notFound(input.Name!);
        return {};
      })),
      DeleteParameters: authorized('DeleteParameters', (i) => (i.Names as string[]).map(String), operation((input: DeleteParametersRequest, ctx): DeleteParametersResult => {
        const deleted: string[] = [];
        const invalid: string[] = [];
        for (const name of input.Names!) (deleteOne(name, ctx) ? deleted : invalid).push(name);
        return { DeletedParameters: deleted, InvalidParameters: invalid };
      })),
    },
  };
}
