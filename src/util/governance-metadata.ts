/**
 * The governance metadata contract: facts the library's constructs record on the CloudFormation
 * resources they create, for checks that need more than a template says (which cost centers
 * exist, which budgets cover them, whether invocation logging feeds the spend meter's caps).
 * The cdk-nag pack (src/nag) reads them; the constructs write them without importing cdk-nag.
 *
 * A fact is construct metadata (`node.addMetadata`, not CloudFormation `Metadata`) of type
 * {@link GOVERNANCE_METADATA_TYPE} whose data is `{ version, kind, ... }`. It is written on the
 * CfnResource itself (the `Resource` child of a custom resource), so that it travels with the
 * resource whatever construct wraps it; the cloud assembly's manifest records it too. A resource
 * may carry several facts (a profile batch carries one per member).
 *
 * Versioning: {@link GOVERNANCE_METADATA_VERSION} is raised when a field changes meaning. Later
 * versions only add kinds or fields, so a reader reads every version up to its own, and skips
 * kinds it does not know and entries of a later version.
 */
import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The construct metadata type of every governance fact. */
export const GOVERNANCE_METADATA_TYPE = 'cdk-bedrock-cost-governance:governance';

/** The version of the facts this library writes and reads. */
export const GOVERNANCE_METADATA_VERSION = 1;

/** A cost center as a fact names it: its name and its cost allocation tags. */
export interface CostCenterFact {
  readonly name: string;
  readonly tags: { readonly [key: string]: string };
}

/** An application inference profile created by a `Custom::BedrockApplicationInferenceProfile`, or an L1 profile imported with a cost center. */
export interface ProfileFact {
  readonly kind: 'profile';
  /** absent: created without a cost center */
  readonly costCenter?: CostCenterFact;
}

/** One member of a `Custom::BedrockApplicationInferenceProfileBatch`. */
export interface BatchMemberFact {
  readonly kind: 'batch-member';
  /** the member's key in the batch */
  readonly key: string;
  readonly costCenter?: CostCenterFact;
}

/** An `AWS::Budgets::Budget` and the cost centers whose spend it counts. */
export interface BudgetFact {
  readonly kind: 'budget';
  /** given as `costCenter`, or the cost centers of the `profiles` given */
  readonly costCenters: CostCenterFact[];
  /** the tags it filters by when given as `tags` (a cost center carrying all of them is covered) */
  readonly tags?: { readonly [key: string]: string };
}

/** A spend meter (recorded on its subscription filter). */
export interface SpendMeterFact {
  readonly kind: 'spend-meter';
  /** how many caps it enforces */
  readonly caps: number;
  /** the construct path of the log group it reads */
  readonly logGroupPath: string;
  /** whether it was given a `ModelInvocationLogging` of this app (else a log group configured elsewhere) */
  readonly viaLogging: boolean;
}

/** A `ModelInvocationLogging` (the account and Region of its stack log model invocations). */
export interface InvocationLoggingFact {
  readonly kind: 'invocation-logging';
  /** the construct path of the log group Bedrock writes to */
  readonly logGroupPath: string;
}

/** Every fact the library records. */
export type GovernanceFact = ProfileFact | BatchMemberFact | BudgetFact | SpendMeterFact | InvocationLoggingFact;

/** A fact with the CfnResource that carries it. */
export interface RecordedFact<F extends GovernanceFact = GovernanceFact> {
  readonly resource: CfnResource;
  readonly fact: F;
}

const KINDS: ReadonlySet<string> = new Set<GovernanceFact['kind']>(['profile', 'batch-member', 'budget', 'spend-meter', 'invocation-logging']);

/** The CfnResource of `scope`: itself, or its default child (a custom resource's `Resource`). */
function cfnResourceOf(scope: IConstruct): CfnResource {
  if (CfnResource.isCfnResource(scope)) return scope;
  const child = scope.node.defaultChild;
  if (child && CfnResource.isCfnResource(child)) return child;
  throw new Error(`${scope.node.path}: governance facts are recorded on a CfnResource, and this construct has none as its default child`);
}

/** Records a fact on `scope`'s CfnResource (itself, or its default child). */
export function recordGovernanceFact(scope: IConstruct, fact: GovernanceFact): void {
  cfnResourceOf(scope).node.addMetadata(GOVERNANCE_METADATA_TYPE, { version: GOVERNANCE_METADATA_VERSION, ...fact });
}

/** A cost center as facts name it (undefined for none). */
export function costCenterFact(costCenter: CostCenterFact | undefined): CostCenterFact | undefined {
  return costCenter ? { name: costCenter.name, tags: { ...costCenter.tags } } : undefined;
}

/** The facts recorded on one CfnResource (of this version or an earlier one, of known kinds). */
export function governanceFactsOf(resource: CfnResource): GovernanceFact[] {
  const out: GovernanceFact[] = [];
  for (const entry of resource.node.metadata) {
    if (entry.type !== GOVERNANCE_METADATA_TYPE || typeof entry.data !== 'object' || entry.data === null) continue;
    const { version, ...fact } = entry.data as { version?: unknown; kind?: unknown };
    if (typeof version !== 'number' || version > GOVERNANCE_METADATA_VERSION) continue;
    if (typeof fact.kind !== 'string' || !KINDS.has(fact.kind)) continue;
    out.push(fact as GovernanceFact);
  }
  return out;
}

/** Every fact of a kind recorded on the CfnResources under `scope` (for the whole app, pass `node.root`). */
export function findGovernanceFacts<K extends GovernanceFact['kind']>(scope: IConstruct, kind: K): RecordedFact<Extract<GovernanceFact, { kind: K }>>[] {
  const out: RecordedFact<Extract<GovernanceFact, { kind: K }>>[] = [];
  for (const construct of scope.node.findAll()) {
    if (!CfnResource.isCfnResource(construct)) continue;
    for (const fact of governanceFactsOf(construct)) {
      if (fact.kind === kind) out.push({ resource: construct, fact: fact as Extract<GovernanceFact, { kind: K }> });
    }
  }
  return out;
}
