/**
 * Run cdk-nag 3 rule packs (AwsSolutions by default) over a construct tree and assert that no
 * finding is left unacknowledged.
 *
 * cdk-nag 3 has no Aspects and no NagSuppressions: a pack is an `IPolicyValidationPlugin` whose
 * `validateScope(scope)` walks the construct tree and returns `{ success, violations }`.
 * (`Validations.of(app).addPlugins(pack)` needs `appConstruct` on the validation context, which
 * aws-cdk-lib 2.257 does not provide, so the tests call `validateScope` directly.)
 *
 * A finding is acknowledged by construct metadata of type `aws:cdk:acknowledged-rules`
 * (`Validations.ACKNOWLEDGED_RULES_METADATA_KEY`) whose data is an object mapping finding ids to
 * reasons, on the CfnResource or any ancestor construct (stack included). cdk-nag strips an
 * optional `annotation::` prefix from the keys. Finding-level rules need the exact finding id, e.g.
 * `AwsSolutions-IAM5[Resource::*]`; the bare rule id does not cover them. See `acknowledgeNagFinding`.
 *
 * @example
 *   expectNagClean(stack);
 */
import { Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import { IConstruct } from 'constructs';

/** One unacknowledged cdk-nag finding on one resource. */
export interface NagFinding {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  readonly ruleId: string;
  /** The id to acknowledge: the rule id, or `RuleId[finding]` for finding-level rules, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly findingId: string;
  /** Path of the CfnResource, e.g. `Stack/Role/DefaultPolicy/Resource`. */
  readonly constructPath: string;
  /** What is wrong. */
  readonly message: string;
  /** `error` or `warning`. */
  readonly severity: string;
  /** The pack that reported it, e.g. `AwsSolutions`. */
  readonly pack: string;
}

/** Options of the nag helpers. */
export interface NagOptions {
  /** Packs to run. @default [new AwsSolutionsChecks()] */
  readonly packs?: readonly NagPack[];
  /**
   * Synthesize the enclosing App/Stage first, so that Aspects have run on the tree (as
   * `Template.fromStack()` does; a second call reuses the assembly).
   * @default true
   */
  readonly synth?: boolean;
}

/** The unacknowledged findings of `scope` (a stack, an App, or any construct). */
export function nagFindings(scope: IConstruct, options: NagOptions = {}): NagFinding[] {
  if (options.synth ?? true) {
    const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
    stage?.synth();
  }
  const packs = options.packs ?? [new AwsSolutionsChecks()];
  const out: NagFinding[] = [];
  for (const pack of packs) {
    const report = pack.validateScope(scope);
    for (const v of report.violations) {
      const ruleId = v.ruleName.replace(/\[.*$/, '');
      for (const r of v.violatingResources) {
        out.push({
          ruleId,
          findingId: v.ruleName,
          constructPath: r.constructPath ?? r.resourceLogicalId ?? '',
          message: v.description,
          severity: v.severity ?? 'error',
          pack: pack.readPackName,
        });
      }
    }
  }
  return out;
}

/** Throw an Error listing each unacknowledged finding (rule id, finding id, construct path, message). */
export function expectNagClean(scope: IConstruct, options: NagOptions = {}): void {
  const findings = nagFindings(scope, options);
  if (findings.length > 0) {
    throw new Error(`${findings.length} unacknowledged cdk-nag finding(s):\n${formatNagFindings(findings)}\n`
      + 'Fix them, or acknowledge each with a reason: metadata \'aws:cdk:acknowledged-rules\' = { [findingId]: reason } on the resource or an ancestor.');
  }
}

/** One line per finding. */
export function formatNagFindings(findings: readonly NagFinding[]): string {
  return findings.map((f) => `  [${f.severity}] ${f.findingId} at ${f.constructPath}: ${f.message}`
    + (f.findingId !== f.ruleId ? ` (rule ${f.ruleId})` : '')).join('\n');
}

/**
 * Acknowledge a cdk-nag finding on `scope` and everything below it, with a reason, the way a
 * construct of the library can without importing cdk-nag: add construct metadata of type
 * `Validations.ACKNOWLEDGED_RULES_METADATA_KEY` ('aws:cdk:acknowledged-rules') whose data maps the
 * finding id to the reason.
 *
 * Unlike `Validations.of(scope).acknowledge({ id, reason })` (aws-cdk-lib 2.257), this accepts
 * finding ids holding several `::` (`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:...]`),
 * which `acknowledge()` rejects with InvalidValidationId.
 */
export function acknowledgeNagFinding(scope: IConstruct, findingId: string, reason: string): void {
  if (!reason.trim()) throw new Error(`a reason is required to acknowledge ${findingId}`);
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [findingId]: reason });
}
