import { createHash } from 'node:crypto';
import type {
  AddTagsToResourceRequest, DeleteParameterRequest, DeleteParametersRequest, DeleteParametersResult, DescribeParametersRequest,
  DescribeParametersResult, GetParameterRequest, GetParameterResult, GetParametersByPathRequest, GetParametersByPathResult,
  ListTagsForResourceRequest, ListTagsForResourceResult, Parameter, ParameterMetadata, ParameterStringFilter, PutParameterRequest,
  PutParameterResult, RemoveTagsFromResourceRequest,
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
/**
 * GetParametersByPath answers at most 10 parameters per call (its MaxResults is 1–10 in the model;
 * "GetParameters and GetParametersByPath support the call of 10 parameters with one API call",
 * https://repost.aws/knowledge-center/ssm-parameter-store-rate-exceeded).
 */
const BY_PATH_PAGE_SIZE = 10;
/**
 * The filter keys GetParametersByPath accepts: "The following Key values are supported for
 * GetParametersByPath: Type, KeyId, and Label. The following Key values aren't supported for
 * GetParametersByPath: tag, DataType, Name, Path, and Tier." (SSM model, ParameterFilters).
 * The fake keeps no labels, so a Label filter matches nothing.
 */
const BY_PATH_FILTER_KEYS = new Set(['Type', 'KeyId', 'Label']);
/**
 * DescribeParameters page size when MaxResults is absent. Not documented (the model gives
 * MaxResults 1–50); 10 like GetParametersByPath. Callers that page correctly pass MaxResults.
 */
const DESCRIBE_PAGE_SIZE = 10;
/**
 * The filter keys DescribeParameters accepts: "For DescribeParameters, all of the listed patterns
 * are valid except Label" (ParameterStringFilterKey: tag:.+, Name, Type, KeyId, Path, Label, Tier,
 * DataType). Options: Equals and BeginsWith, Name also Contains, Path only Recursive and OneLevel
 * (ParameterStringFilter.Option).
 */
const DESCRIBE_FILTER_KEYS = new Set(['Name', 'Type', 'KeyId', 'Path', 'Tier', 'DataType']);
/** "Most resources can have a maximum of 50 tags" (AddTagsToResource). */
const MAX_TAGS_PER_PARAMETER = 50;

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
  if (input.Tags && input.Tags.length > MAX_TAGS_PER_PARAMETER) throw serviceError('TooManyTagsError', `A parameter can have at most ${MAX_TAGS_PER_PARAMETER} tags.`);
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
    if (f.Key === 'Path') {
      const path = (f.Values ?? ['/'])[0];
      return isUnderPath(p.name, path === '/' ? '/' : `${path.replace(/\/$/, '')}/`, f.Option !== 'OneLevel');
    }
    const actual = f.Key!.startsWith('tag:')
      ? ctx.regionState.resources.tagsOf(p.arn)[f.Key!.slice(4)]
      : { Type: p.type, KeyId: p.keyId, DataType: p.dataType, Tier: p.tier, Name: p.name, Label: undefined }[f.Key as 'Type'];
    if (actual === undefined) return false;
    if (!f.Values?.length) return true;
    if (f.Option === 'BeginsWith') return f.Values.some(v => actual.startsWith(v));
    if (f.Option === 'Contains') return f.Values.some(v => actual.includes(v));
    return f.Values.includes(actual);
  });
}

function checkDescribeFilters(filters: readonly ParameterStringFilter[]): void {
  for (const f of filters) {
    const key = f.Key!;
    if (!DESCRIBE_FILTER_KEYS.has(key) && !key.startsWith('tag:')) {
      throw serviceError('InvalidFilterKey', `The filter key ${key} is not valid for DescribeParameters.`);
    }
    const options = key === 'Path' ? ['Recursive', 'OneLevel'] : key === 'Name' ? ['Equals', 'BeginsWith', 'Contains'] : ['Equals', 'BeginsWith'];
    if (f.Option !== undefined && !options.includes(f.Option)) {
      throw serviceError('InvalidFilterOption', `The filter option ${f.Option} is not valid for key ${key}. Valid options are ${options.join(', ')}.`);
    }
    if (key === 'Path') {
      const path = f.Values?.[0];
      if (f.Values?.length !== 1 || path === undefined || !path.startsWith('/')) {
        throw serviceError('InvalidFilterValue', 'The Path filter takes one value, a path that begins with a forward slash (/).');
      }
      checkParameterPath(path);
    }
  }
}

/** The metadata DescribeParameters returns (no value). */
function metadata(p: StoredParameter): ParameterMetadata {
  return {
    Name: p.name,
    ARN: p.arn,
    Type: p.type,
    KeyId: p.keyId,
    LastModifiedDate: p.lastModifiedDate,
    Description: p.description,
    AllowedPattern: p.allowedPattern,
    Version: p.version,
    Tier: p.tier,
    Policies: [],
    DataType: p.dataType,
  };
}

/**
 * DescribeParameters. "Request results are returned on a best-effort basis. ... The number of items
 * returned, however, can be between zero and the value of MaxResults. If the service reaches an
 * internal limit while processing the results, it stops the operation and returns the matching
 * values up to that point and a NextToken" (SSM model): with `limits.describeParametersScanLimit`
 * set, a call examines at most that many parameters, so a selective filter gives short or empty
 * pages that still carry a NextToken.
 */
function describeParameters(input: DescribeParametersRequest, ctx: RequestContext): DescribeParametersResult {
  if (input.Filters?.length) {
    throw serviceError('ValidationException', 'The AWS fake does not implement the deprecated Filters of DescribeParameters: use ParameterFilters.');
  }
  if (input.Shared) return { Parameters: [] };
  const filters = input.ParameterFilters ?? [];
  checkDescribeFilters(filters);
  const request = fingerprint({ filters });
  const after = continueAfter(input.NextToken, request, () => serviceError('InvalidNextToken', 'The specified token is not valid.'))?.after;
  const all = [...ctx.regionState.parameters.values()]
    .map(versions => versions[versions.length - 1])
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const rest = after === undefined ? all : all.filter(p => p.name > after);
  const size = input.MaxResults ?? DESCRIBE_PAGE_SIZE;
  const scanLimit = ctx.state.limits.describeParametersScanLimit ?? Infinity;
  const items: StoredParameter[] = [];
  let scanned = 0;
  let last: string | undefined;
  for (const p of rest) {
    if (items.length === size || scanned === scanLimit) break;
    scanned++;
    last = p.name;
    if (matchesFilters(p, filters, ctx)) items.push(p);
  }
  const unscanned = last === undefined ? [] : rest.slice(rest.findIndex(p => p.name === last) + 1);
  // without a scan limit the fake looks ahead, so the last page carries no NextToken; with one, any
  // parameter left unexamined gives a NextToken (maybe for an empty page)
  const more = scanLimit === Infinity ? unscanned.some(p => matchesFilters(p, filters, ctx)) : unscanned.length > 0;
  return {
    Parameters: items.map(metadata),
    NextToken: more ? encodeToken({ after: last!, request }) : undefined,
  };
}

/** The parameter a tagging call names (ResourceType Parameter; the name, with or without its leading slash). */
function taggedParameter(resourceType: string, resourceId: string, ctx: RequestContext): StoredParameter {
  if (resourceType !== 'Parameter') {
    throw serviceError('InvalidResourceType', `The AWS fake tags parameters only, not ${resourceType}.`);
  }
  const versions = lookup(ctx.regionState.parameters, resourceId);
  if (!versions) throw serviceError('InvalidResourceId', `Parameter ${resourceId} not found.`);
  return versions[versions.length - 1];
}

function addTagsToResource(input: AddTagsToResourceRequest, ctx: RequestContext): object {
  const p = taggedParameter(input.ResourceType!, input.ResourceId!, ctx);
  const tags = Object.fromEntries(input.Tags!.map(t => [t.Key!, t.Value!]));
  if (Object.keys({ ...ctx.regionState.resources.tagsOf(p.arn), ...tags }).length > MAX_TAGS_PER_PARAMETER) {
    throw serviceError('TooManyTagsError', `A parameter can have at most ${MAX_TAGS_PER_PARAMETER} tags.`);
  }
  ctx.regionState.resources.tag(p.arn, tags);
  return {};
}

function removeTagsFromResource(input: RemoveTagsFromResourceRequest, ctx: RequestContext): object {
  const p = taggedParameter(input.ResourceType!, input.ResourceId!, ctx);
  ctx.regionState.resources.untag(p.arn, input.TagKeys!);
  return {};
}

function listTagsForResource(input: ListTagsForResourceRequest, ctx: RequestContext): ListTagsForResourceResult {
  const p = taggedParameter(input.ResourceType!, input.ResourceId!, ctx);
  return { TagList: Object.entries(ctx.regionState.resources.tagsOf(p.arn)).map(([Key, Value]) => ({ Key, Value })) };
}

/**
 * Parameter Store's PutParameter throughput: with `limits.putParameterPerSecond` set, at most that
 * many calls per account and Region are admitted in any second of the fake's clock; the others get
 * `ThrottlingException: Rate exceeded`. (AWS does not publish the quota; AWS Support gave it as 3
 * per second at the default throughput and 10 with higher throughput enabled,
 * github-aws-runners/terraform-aws-github-runner#2944.) Off by default.
 */
function throughputLimited(handler: OperationHandler): OperationHandler {
  const admitted = new Map<string, number[]>();
  return (input, ctx) => {
    const limit = ctx.state.limits.putParameterPerSecond;
    if (limit !== undefined) {
      const now = ctx.now.getTime();
      const key = `${ctx.accountId}/${ctx.region}`;
      // a clock set back (tests) forgets the calls "after" it
      const recent = (admitted.get(key) ?? []).filter(t => t > now - 1000 && t <= now);
      if (recent.length >= limit) {
        admitted.set(key, recent);
        throw serviceError('ThrottlingException', 'Rate exceeded');
      }
      admitted.set(key, [...recent, now]);
    }
    return handler(input, ctx);
  };
}

function getParametersByPath(input: GetParametersByPathRequest, ctx: RequestContext): GetParametersByPathResult {
  const path = checkParameterPath(input.Path!);
  const filters = input.ParameterFilters ?? [];
  for (const f of filters) {
    if (!BY_PATH_FILTER_KEYS.has(f.Key!)) {
      throw serviceError('InvalidFilterKey', `The filter key ${f.Key} is not valid for GetParametersByPath.`);
    }
    if (f.Option !== undefined && f.Option !== 'Equals' && !(f.Option === 'BeginsWith' && f.Key !== 'Label')) {
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

/**
 * Throws IAM's AccessDeniedException when the caller's IAM view (`fake.state.access()`) refuses
 * `ssm:<action>` on a parameter (`*` for actions without a resource type, e.g. DescribeParameters).
 */
function authorize(ctx: RequestContext, action: string, name: string): void {
  const resource = name === '*' ? '*' : parameterArn(ctx.partition, ctx.region, ctx.accountId, name.replace(/^arn:[^:]+:ssm:[^:]*:[^:]*:parameter\//, ''));
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

/** Also checks ssm:AddTagsToResource on the names given (a PutParameter that carries Tags). */
function taggingAuthorized(names: (input: Record<string, unknown>) => string[], handler: OperationHandler): OperationHandler {
  return authorized('AddTagsToResource', names, handler);
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
      // creating with Tags is also authorized as ssm:AddTagsToResource ("To create an SSM parameter, you must have
      // the IAM permissions ssm:PutParameter and ssm:AddTagsToResource", AWS::SSM::Parameter documentation)
      PutParameter: throughputLimited(authorized('PutParameter', (i) => [String(i.Name).trim()],
        taggingAuthorized((i) => (i.Tags as unknown[] | undefined)?.length ? [String(i.Name).trim()] : [], operation(putParameter)))),
      GetParameter: authorized('GetParameter', (i) => [splitSelector(String(i.Name)).name], operation(getParameter)),
      GetParametersByPath: authorized('GetParametersByPath', (i) => [String(i.Path).replace(/(.)\/$/, '$1')], operation(getParametersByPath)),
      DeleteParameter: authorized('DeleteParameter', (i) => [String(i.Name)], operation((input: DeleteParameterRequest, ctx) => {
        if (!deleteOne(input.Name!, ctx)) throw notFound(input.Name!);
        return {};
      })),
      DescribeParameters: authorized('DescribeParameters', () => ['*'], operation(describeParameters)),
      AddTagsToResource: authorized('AddTagsToResource', (i) => [String(i.ResourceId)], operation(addTagsToResource)),
      RemoveTagsFromResource: authorized('RemoveTagsFromResource', (i) => [String(i.ResourceId)], operation(removeTagsFromResource)),
      ListTagsForResource: authorized('ListTagsForResource', (i) => [String(i.ResourceId)], operation(listTagsForResource)),
      DeleteParameters: authorized('DeleteParameters', (i) => (i.Names as string[]).map(String), operation((input: DeleteParametersRequest, ctx): DeleteParametersResult => {
        const deleted: string[] = [];
        const invalid: string[] = [];
        for (const name of input.Names!) (deleteOne(name, ctx) ? deleted : invalid).push(name);
        return { DeletedParameters: deleted, InvalidParameters: invalid };
      })),
    },
  };
}
