/**
 * Reading IAM policies for the invoke rules: which statements of a resource allow invoking a model
 * outside application inference profiles.
 *
 * AWS facts used (each has a test in test/nag/invoke-outside-profiles.test.ts):
 * - Converse and ConverseStream are authorized by bedrock:InvokeModel and
 *   bedrock:InvokeModelWithResponseStream; there are no bedrock:Converse* actions
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html).
 * - Action names are matched case-insensitively, with `*` and `?` wildcards; resource ARNs are
 *   matched case-sensitively
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 * - `NotAction` with Allow allows every action not listed; `NotResource` every resource not listed
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html).
 * - A request through an inference profile is authorized on the profile and on the models it
 *   routes to, and carries the condition key `bedrock:InferenceProfileArn`; a direct call on a
 *   foundation model does not carry it
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html,
 *   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html#amazonbedrock-policy-keys).
 * - `...IfExists` operators and `ForAllValues:` are true when the key is absent, so they do not
 *   confine a statement to requests that carry it; negated operators and `Null` do not name a
 *   profile (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
 * - Foundation models cannot be tagged: TagResource's `TaggableResourcesArn` pattern in the Amazon
 *   Bedrock API model lists no `foundation-model/` resource (application and system-defined
 *   inference profiles, custom and imported models, provisioned throughput, jobs, guardrails…;
 *   https://docs.aws.amazon.com/bedrock/latest/APIReference/API_TagResource.html,
 *   https://docs.aws.amazon.com/bedrock/latest/userguide/tagging.html). A request through any
 *   inference profile must also be allowed on the foundation models it routes to (inference
 *   profile prerequisites, above). So a statement whose condition requires a resource tag
 *   (`aws:ResourceTag/<key>` with a non-negated string operator, not `...IfExists`, not
 *   `ForAllValues:`) can never allow a foundation model: neither a direct call nor one through a
 *   system-defined profile (which needs the model too). Such a statement is treated as confining.
 *   `Null` is not counted (conservative, though `Null: false` also requires the tag).
 * - ARNs of every partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso*`, `aws-eusc`…) name the same
 *   resource types; `NotResource` patterns are judged in whichever partition they name
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
 */
import { asArray, flatten, unmarked } from './resolve';
import { INVOKE_ACTIONS } from '../../contracts/deny-invocation';

/** The condition key that names the inference profile a request went through. */
export const INFERENCE_PROFILE_ARN_KEY = 'bedrock:InferenceProfileArn';

/** What a resource ARN (pattern) reaches. */
export enum ResourceReach {
  /** foundation models or system-defined inference profiles (or anything: `*`) */
  MODEL = 'model',
  /** application inference profiles only */
  PROFILE = 'profile',
  /** neither (another service, another Bedrock resource type) */
  OTHER = 'other',
  /** cannot be judged at synth (a parameter, an import, a placeholder in the resource type) */
  UNKNOWN = 'unknown',
}

/** One statement of a policy, as resolved (CloudFormation casing). */
export interface PolicyStatementJson {
  readonly Sid?: unknown;
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly NotAction?: unknown;
  readonly Resource?: unknown;
  readonly NotResource?: unknown;
  readonly Condition?: unknown;
}

/** A marker for a placeholder (`<...>`) once an ARN is split (placeholders may hold `:`). */
const HOLE = '\u0000';

/** Whether an IAM pattern (`*`, `?` wildcards; `HOLE` counts as `*`) matches a value. */
export function iamPatternMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.split('').map((c) => (c === '*' || c === HOLE ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** The invoke actions a statement allows by its `Action` or `NotAction` (empty for none). */
export function invokeActionsAllowed(statement: PolicyStatementJson): string[] {
  const matches = (patterns: unknown[], action: string) => patterns.some((p) => typeof p === 'string' && iamPatternMatches(p, action, true));
  if (statement.NotAction !== undefined) {
    const excluded = asArray(statement.NotAction);
    return INVOKE_ACTIONS.filter((a) => !matches(excluded, a));
  }
  const actions = asArray(statement.Action);
  // an action that is a token cannot be judged: counted as allowing invocation (conservative)
  if (actions.some((a) => typeof a !== 'string')) return [...INVOKE_ACTIONS];
  return INVOKE_ACTIONS.filter((a) => matches(actions, a));
}

/** What a flattened ARN (placeholders `<...>`, references marked `@kind`) reaches. */
export function resourceReach(flat: string): ResourceReach {
  const whole = /^<[^<>]*@(profile|other|unknown)>$/.exec(flat);
  if (whole) return whole[1] as ResourceReach;
  const holed = flat.replace(/<[^<>]*>/g, HOLE);
  if (holed === '*' || holed === HOLE) return holed === '*' ? ResourceReach.MODEL : ResourceReach.UNKNOWN;
  const arn = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s.exec(holed);
  if (!arn) return holed.includes(HOLE) || holed.includes('*') || holed.includes('?') ? ResourceReach.UNKNOWN : ResourceReach.OTHER;
  const [, , service, , , resource] = arn;
  if (service.includes(HOLE)) return ResourceReach.UNKNOWN;
  if (!iamPatternMatches(service, 'bedrock', false)) return ResourceReach.OTHER;
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  if (type.includes(HOLE)) return ResourceReach.UNKNOWN;
  // without a `/` the pattern stands for the whole resource part (`*`, `found*`)
  const probe = (t: string) => (slash < 0 ? iamPatternMatches(resource, `${t}/x`, false) : iamPatternMatches(type, t, false));
  if (probe('foundation-model') || probe('inference-profile')) return ResourceReach.MODEL;
  if (probe('application-inference-profile')) return ResourceReach.PROFILE;
  return ResourceReach.OTHER;
}

/**
 * Whether a statement's `Condition` confines it to requests through application inference
 * profiles: a non-negated string or ARN operator (not `...IfExists`, not `ForAllValues:`) on
 * `bedrock:InferenceProfileArn` whose values are all application inference profile ARNs (or
 * references/tokens that cannot be judged at synth: accepted).
 */
export function confinedToProfiles(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!confiningOperator(operator) || typeof block !== 'object' || block === null) continue;
    for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
      if (key.toLowerCase() !== INFERENCE_PROFILE_ARN_KEY.toLowerCase()) continue;
      const list = asArray(values);
      if (list.length > 0 && list.every((v) => {
        const reach = resourceReach(flatten(v));
        return reach === ResourceReach.PROFILE || reach === ResourceReach.UNKNOWN;
      })) return true;
    }
  }
  return false;
}

/**
 * Whether a statement's `Condition` requires a resource tag (see the file comment: foundation
 * models carry none, and a request through any inference profile needs the model too): a
 * non-negated string operator (`StringEquals`, `StringEqualsIgnoreCase`, `StringLike`, or
 * `ForAnyValue:` of them, which is false when the key is absent), not `...IfExists`, not
 * `ForAllValues:` (both true when the key is absent), on an `aws:ResourceTag/<key>` key, whatever
 * the value (a policy variable such as `${aws:PrincipalTag/dept}` included).
 */
export function requiresResourceTag(condition: unknown): boolean {
  if (typeof condition !== 'object' || condition === null) return false;
  for (const [operator, block] of Object.entries(condition as Record<string, unknown>)) {
    if (!tagOperator(operator) || typeof block !== 'object' || block === null) continue;
    if (Object.keys(block as Record<string, unknown>).some((key) => /^aws:resourcetag\/./i.test(key))) return true;
  }
  return false;
}

function tagOperator(operator: string): boolean {
  const op = operator.toLowerCase();
  if (op.endsWith('ifexists') || op.startsWith('forallvalues:')) return false;
  return ['stringequals', 'stringequalsignorecase', 'stringlike'].includes(op.replace(/^foranyvalue:/, ''));
}

function confiningOperator(operator: string): boolean {
  const op = operator.toLowerCase();
  if (op.endsWith('ifexists') || op.startsWith('forallvalues:')) return false;
  const base = op.replace(/^foranyvalue:/, '');
  return ['stringequals', 'stringequalsignorecase', 'stringlike', 'arnequals', 'arnlike'].includes(base);
}

/** The findings of one statement, by reach: `Resource::<arn>` (or `NotResource::<arns>`). */
export interface StatementFindings {
  /** resources that reach models outside profiles */
  readonly model: string[];
  /** resources that cannot be judged */
  readonly unknown: string[];
}

/**
 * Example ARNs of the model kinds, to test `NotResource` patterns against, without the partition:
 * a pattern is tried in the partition it names (`aws`, `aws-cn`, `aws-us-gov`, `aws-eusc`…), so
 * `NotResource: arn:aws-cn:bedrock:*::foundation-model/*` excludes foundation models as
 * `arn:aws:...` does. (A policy applies in its own account's partition; a pattern of another
 * partition would exclude nothing there, which this does not detect.)
 */
const MODEL_PROBES = [
  ':bedrock:us-east-1::foundation-model/probe',
  ':bedrock:us-east-1:111122223333:inference-profile/probe',
];

/** The partition a (flattened, holed) pattern names, if a literal one; else `aws` (any would do). */
function probePartition(pattern: string): string {
  const partition = /^arn:([^:]*):/.exec(pattern)?.[1];
  return partition !== undefined && /^aws(-[a-z]+)*$/.test(partition) ? partition : 'aws';
}

/** Whether a `NotResource` pattern (flattened) excludes the probe's kind of model. */
function excludes(pattern: string, probe: string): boolean {
  const holed = pattern.replace(/<[^<>]*>/g, HOLE);
  return iamPatternMatches(holed, `arn:${probePartition(holed)}${probe}`, false);
}

/** The resources through which an Allow statement lets a principal invoke a model outside application inference profiles. */
export function statementFindings(statement: PolicyStatementJson): StatementFindings {
  const model: string[] = [];
  const unknown: string[] = [];
  if (statement.Effect !== 'Allow' || invokeActionsAllowed(statement).length === 0
    || confinedToProfiles(statement.Condition) || requiresResourceTag(statement.Condition)) {
    return { model, unknown };
  }
  if (statement.NotResource !== undefined) {
    const excluded = asArray(statement.NotResource).map(flatten);
    const reachesModels = MODEL_PROBES.some((probe) => !excluded.some((p) => excludes(p, probe)));
    if (reachesModels) model.push(`NotResource::${excluded.map(unmarked).join(',')}`);
    return { model, unknown };
  }
  for (const resource of asArray(statement.Resource)) {
    const flat = flatten(resource);
    const reach = resourceReach(flat);
    if (reach === ResourceReach.MODEL) model.push(`Resource::${unmarked(flat)}`);
    if (reach === ResourceReach.UNKNOWN) unknown.push(`Resource::${unmarked(flat)}`);
  }
  return { model, unknown };
}
