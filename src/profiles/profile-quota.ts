import { Annotations, CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PROFILE_RESOURCE_TYPE } from '../contracts/profile-resource';

/**
 * Amazon Bedrock's quota "Inference profiles per account" (application inference profiles): 1,000
 * in each supported Region, adjustable (quota code L-40EC9882), per the Amazon Bedrock service
 * quotas table, https://docs.aws.amazon.com/general/latest/gr/bedrock.html#limits_bedrock.
 */
export const DEFAULT_PROFILE_QUOTA = 1000;

/** The Service Quotas code of that quota (Amazon Bedrock, "Inference profiles per account"). */
export const PROFILE_QUOTA_CODE = 'L-40EC9882';

/** Where the app-wide state of the check lives (on the app's root construct, not in module state). */
const STATE = Symbol.for('cdk-bedrock-cost-governance.profileQuota');

interface QuotaState {
  /** the largest quota declared per environment key (`<account>/<region>`) */
  readonly declared: Map<string, { quota: number; by: string }>;
  /** the construct whose validation reports (the first registered) */
  reporter?: IConstruct;
}

function stateOf(scope: IConstruct): QuotaState {
  const root = scope.node.root as unknown as { [STATE]?: QuotaState };
  if (!root[STATE]) Object.defineProperty(root, STATE, { value: { declared: new Map() }, enumerable: false });
  return root[STATE]!;
}

/** `account <id>/Region <name>` of a construct's stack, with `<token>` for what is unknown at synth. */
export function environmentKey(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const part = (v: string) => (Token.isUnresolved(v) ? '<token>' : v);
  return `account ${part(stack.account)}/Region ${part(stack.region)}`;
}

/**
 * Checks the app against Bedrock's quota of application inference profiles per account and
 * Region, once for the whole app: every profile the app creates — the library's
 * `ApplicationInferenceProfile` resources, the members of its `ProfileBatch`es (fleets) and L1
 * `AWS::Bedrock::ApplicationInferenceProfile` resources — counted per account and Region of its
 * stack, or per target account for profiles created in another account. Past the quota: an error when both are known, a warning when either is a token. A
 * raised quota is declared with `profileQuota` (the largest declaration of an environment counts).
 * @param scope the construct that declares (and may report)
 * @param quota the declared quota, if any
 */
export function checkProfileQuota(scope: IConstruct, quota?: number): void {
  const state = stateOf(scope);
  const env = environmentKey(scope);
  if (quota !== undefined) {
    if (!Number.isInteger(quota) || quota < 1) throw new Error(`${scope.node.path}: profileQuota must be a positive integer (got ${quota})`);
    const current = state.declared.get(env);
    if (!current || current.quota < quota) state.declared.set(env, { quota, by: scope.node.path });
  }
  if (state.reporter) return;
  state.reporter = scope;
  scope.node.addValidation({ validate: () => quotaProblems(scope, state) });
}

/** The account a profile lives in when it is not its stack's (a profile with a target account). */
const PROFILE_ACCOUNT = Symbol.for('cdk-bedrock-cost-governance.profileAccount');

/**
 * Declares that a profile's resource creates the profile in another account than its stack's
 * (a target account), so that the quota counts it there.
 * @param account the account, or undefined when it is a token (not known at synth)
 */
export function declareProfileAccount(c: IConstruct, account: string | undefined): void {
  Object.defineProperty(c, PROFILE_ACCOUNT, { value: account ?? '<token>', enumerable: false });
}

/** The environment key of a profile: its declared account (a target account) or its stack's, and its stack's Region. */
function profileEnvironmentKey(c: IConstruct): string {
  const account = (c as unknown as { [PROFILE_ACCOUNT]?: string })[PROFILE_ACCOUNT];
  if (account === undefined) return environmentKey(c);
  const region = Stack.of(c).region;
  return `account ${account}/Region ${Token.isUnresolved(region) ? '<token>' : region}`;
}

/** A construct that counts as that many application inference profiles (batch members). */
const COUNTS_AS_PROFILES = Symbol.for('cdk-bedrock-cost-governance.countsAsProfiles');

/**
 * Marks a construct as one application inference profile that has no CloudFormation resource of
 * its own (a batch member), for the quota count.
 */
export function declareProfileWithoutResource(c: IConstruct): void {
  Object.defineProperty(c, COUNTS_AS_PROFILES, { value: true, enumerable: false });
}

function isProfile(c: IConstruct): boolean {
  if ((c as unknown as { [COUNTS_AS_PROFILES]?: boolean })[COUNTS_AS_PROFILES]) return true;
  return CfnResource.isCfnResource(c) && (c.cfnResourceType === PROFILE_RESOURCE_TYPE || c.cfnResourceType === 'AWS::Bedrock::ApplicationInferenceProfile');
}

function quotaProblems(reporter: IConstruct, state: QuotaState): string[] {
  const counts = new Map<string, { count: number; stacks: Set<string> }>();
  for (const c of reporter.node.root.node.findAll()) {
    if (!isProfile(c)) continue;
    const env = profileEnvironmentKey(c);
    const entry = counts.get(env) ?? { count: 0, stacks: new Set<string>() };
    entry.count += 1;
    entry.stacks.add(topStack(c).node.path);
    counts.set(env, entry);
  }
  const problems: string[] = [];
  for (const [env, { count, stacks }] of counts) {
    const declared = state.declared.get(env);
    const quota = declared?.quota ?? DEFAULT_PROFILE_QUOTA;
    if (count <= quota) continue;
    const where = `${env.replace('/', ', ')} (stacks ${[...stacks].sort().join(', ')})`;
    const message = `the app creates ${count.toLocaleString('en-US')} application inference profiles in ${where}; `
      + `Amazon Bedrock allows ${quota.toLocaleString('en-US')} per account and Region`
      + (declared ? ` (profileQuota declared by ${declared.by})` : ' by default')
      + `: request an increase of "Inference profiles per account" (Service Quotas, Amazon Bedrock, ${PROFILE_QUOTA_CODE}) and declare it with profileQuota, `
      + 'or spread the profiles over accounts or Regions';
    if (env.includes('<token>')) {
      Annotations.of(reporter).addWarningV2('cdk-bedrock-cost-governance:profileQuota',
        `${message} (the account or Region is not known at synth, so these stacks may deploy to different ones)`);
    } else {
      problems.push(`profileQuota: ${message}`);
    }
  }
  return problems;
}

/** The top-level stack of a construct: its stack, or the parent of its nested stack, up to the top. */
export function topStack(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}
