/**
 * Run the AWS Control Tower proactive controls (the cfn-guard rules bundled with
 * @cdklabs/cdk-validator-cfnguard, run by its bundled cfn-guard binary) over synthesized templates.
 *
 * One cfn-guard process per call, over every template of the stack/app. To keep it fast, only
 * the rules whose `EvaluatedResourceTypes` (rule metadata) occur in the templates are passed to
 * cfn-guard: the others would all be SKIP, and cfn-guard's time grows with the number of rules
 * (measured on 2 cores: a VPC + Lambda + SNS stack takes ~50 ms with its 7 rules, ~0.5-0.8 s with
 * all 237, ~1.9 s cold; no process at all when no rule applies). `allRules: true` passes every rule;
 * a test checks both give the same findings.
 *
 * Rules may be named, in `exempt`, by control id (`CT.LAMBDA.PR.3`), rule file (`ct-lambda-pr-3`)
 * or guard rule name (`lambda_inside_vpc_check`), case-insensitively.
 *
 * Controls met by this library's kind of resources (control id / rule file / guard rule name):
 *   CT.LAMBDA.PR.2      ct-lambda-pr-2      lambda_function_public_access_prohibited_check (AWS::Lambda::Permission)
 *   CT.LAMBDA.PR.3      ct-lambda-pr-3      lambda_inside_vpc_check            Lambda function in a customer VPC
 *   CT.LAMBDA.PR.5/6    ct-lambda-pr-5/6    lambda_function_url_auth_check / lambda_function_url_cors_check
 *   CT.CLOUDWATCH.PR.1  ct-cloudwatch-pr-1  cloudwatch_alarm_action_check      alarm has an AlarmActions entry
 *   CT.CLOUDWATCH.PR.2  ct-cloudwatch-pr-2  cloudwatch_log_group_retention_period_check  log group retention set
 *   CT.CLOUDWATCH.PR.3  ct-cloudwatch-pr-3  cloudwatch_log_group_encrypted_check  log group KmsKeyId set
 *   CT.CLOUDWATCH.PR.4  ct-cloudwatch-pr-4  cloudwatch_alarm_action_enabled_check  ActionsEnabled not false
 *   CT.KMS.PR.1         ct-kms-pr-1         kms_key_rotation_enabled_check
 *   CT.KMS.PR.2         ct-kms-pr-2         kms_asymmetric_rsa_keyspec_check
 *   CT.KMS.PR.3         ct-kms-pr-3         kms_create_grant_aws_service_check  key policy denies CreateGrant unless for an AWS service
 *   CT.IAM.PR.1/5       ct-iam-pr-1/5       iam_inline_policy_no_statements_with_admin_access_check / ..._full_access_check
 *   CT.IAM.PR.2/3       ct-iam-pr-2/3       iam_managed_policy_no_statements_with_admin_access_check / ..._full_access_check
 *   CT.SQS.PR.1/2       ct-sqs-pr-1/2       sqs_dlq_check / sqs_queue_encrypted_check
 *   CT.S3.PR.1..12      ct-s3-pr-*          s3_bucket_level_public_access_prohibited_check, s3_bucket_default_encryption_kms_check, ...
 *   CT.EC2.PR.3/4       ct-ec2-pr-3/4       vpc_sg_open_only_to_authorized_ports_check / vpc_sg_restricted_common_ports_check
 *   CT.EC2.PR.11        ct-ec2-pr-11        subnet_auto_assign_public_ip_disabled_check  (public subnets of ec2.Vpc fail it)
 *   CT.STEPFUNCTIONS.PR.1/2  ct-stepfunctions-pr-1/2  step_functions_state_machine_logging/tracing_enabled_check
 *                                               (the custom-resources Provider's waiter state machine fails both)
 * The bundle (0.0.62, cfn-guard 3.1.1) has NO rule for SNS (topic encryption), Budgets, CE, Bedrock,
 * Scheduler, EventBridge or SSM resources.
 *
 * @example
 *   expectControlTowerCompliant(stack, { exempt: ['CT.LAMBDA.PR.3'] });
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { readTemplate, SynthTarget, templateFiles } from './synth';

/** A failed control, with the resources that fail it. */
export interface ControlTowerFinding {
  /** Control id, e.g. `CT.LAMBDA.PR.3`. */
  readonly controlId: string;
  /** Rule file name, e.g. `ct-lambda-pr-3`. */
  readonly ruleFile: string;
  /** Guard rule name, e.g. `lambda_inside_vpc_check`. */
  readonly ruleName: string;
  /** What the control requires. */
  readonly description: string;
  /** How to comply. */
  readonly fix: string;
  /** The failing resources. */
  readonly resources: readonly ControlTowerResource[];
}

/** A resource failing a control. */
export interface ControlTowerResource {
  readonly logicalId: string;
  readonly templateFile: string;
  /** JSON pointers into the template where the check failed. */
  readonly locations: readonly string[];
}

/** A rule allowed to fail, for all resources or only some. */
export interface ControlTowerExemption {
  /** Control id, rule file or guard rule name. */
  readonly rule: string;
  /** Only these resources may fail it: exact logical ids, or patterns. @default all resources */
  readonly logicalIds?: ReadonlyArray<string | RegExp>;
  /** Why (documentation only). */
  readonly reason?: string;
}

/** Options of the Control Tower runner. */
export interface ControlTowerOptions {
  /** Rules allowed to fail: a name (control id, rule file or guard rule name) exempts every resource. */
  readonly exempt?: ReadonlyArray<string | ControlTowerExemption>;
  /** Pass every rule to cfn-guard, not only those evaluating a resource type of the templates. @default false */
  readonly allRules?: boolean;
}

/** Every bundled control, by guard rule name. */
export function controlTowerRules(): ReadonlyMap<string, ControlTowerRule> {
  return ruleIndex().byName;
}

/** A bundled control. */
export interface ControlTowerRule {
  readonly controlId: string;
  readonly ruleFile: string;
  readonly ruleName: string;
  readonly guardFile: string;
  /** Resource types the rule evaluates (from its metadata; empty when unknown). */
  readonly evaluatedResourceTypes: readonly string[];
}

/** Run the controls over a Stack, an App/Stage or a cloud assembly directory; return the unexempted failures. */
export function controlTowerFindings(target: SynthTarget, options: ControlTowerOptions = {}): ControlTowerFinding[] {
  const exemptions = (options.exempt ?? []).map((e) => {
    const ex: ControlTowerExemption = typeof e === 'string' ? { rule: e } : e;
    return { rule: resolveRule(ex.rule), logicalIds: ex.logicalIds };
  });
  const exempted = (rule: ControlTowerRule, logicalId: string) => exemptions.some((e) => e.rule === rule
    && (!e.logicalIds || e.logicalIds.some((id) => typeof id === 'string' ? id === logicalId : id.test(logicalId))));

  const findings = runGuard(templateFiles(target), options.allRules ?? false);
  const out: ControlTowerFinding[] = [];
  for (const f of findings) {
    const rule = ruleIndex().byName.get(f.ruleName);
    const resources = rule ? f.resources.filter((r) => !exempted(rule, r.logicalId)) : f.resources;
    if (resources.length > 0) out.push({ ...f, resources });
  }
  return out;
}

/** Throw an Error listing each failing control and resource, if any. */
export function expectControlTowerCompliant(target: SynthTarget, options: ControlTowerOptions = {}): void {
  const findings = controlTowerFindings(target, options);
  if (findings.length > 0) {
    throw new Error(`${findings.length} AWS Control Tower proactive control(s) failed:\n${formatControlTowerFindings(findings)}`);
  }
}

/** One paragraph per failed control. */
export function formatControlTowerFindings(findings: readonly ControlTowerFinding[]): string {
  return findings.map((f) => [
    `  ${f.controlId} (${f.ruleFile}, ${f.ruleName}): ${f.description.replace(/^\[[^\]]+\]:\s*/, '')}`,
    `    fix: ${f.fix}`,
    ...f.resources.map((r) => `    - ${r.logicalId} in ${path.basename(r.templateFile)} at ${[...new Set(r.locations)].join(', ')}`),
  ].join('\n')).join('\n');
}

// ---------------------------------------------------------------------------------------------

const PACKAGE_DIR = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
const RULES_DIR = path.join(PACKAGE_DIR, 'rules', 'control-tower');

function runGuard(files: string[], allRules: boolean): ControlTowerFinding[] {
  if (files.length === 0) return [];
  const index = ruleIndex();
  let rules: ControlTowerRule[];
  if (allRules) {
    rules = [...index.byName.values()];
  } else {
    const types = new Set(files.flatMap((f) => Object.values(readTemplate(f).Resources ?? {}).map((r) => r.Type)));
    // a rule without metadata is never filtered out
    rules = [...index.byName.values()].filter((r) => r.evaluatedResourceTypes.length === 0 || r.evaluatedResourceTypes.some((t) => types.has(t)));
  }
  if (rules.length === 0) return [];

  const validator = new CfnGuardValidator({
    controlTowerRulesEnabled: false,
    rules: rules.map((r) => r.guardFile),
    maxBuffer: 512 * 1024 * 1024,
  });
  // The plugin runs bin/<platform>/<arch>/cfn-guard from its package; if npm left it without
  // the exec bit, run an executable copy instead (`guard` is a private field of the plugin).
  const plugin = validator as unknown as { guard: string };
  plugin.guard = executableCfnGuard(plugin.guard);

  const report = validator.validate({ templatePaths: files });
  const byRule = new Map<string, { description: string; fix: string; resources: ControlTowerResource[] }>();
  for (const v of report.violations) {
    const entry = byRule.get(v.ruleName) ?? { description: v.description, fix: v.fix ?? '', resources: [] };
    byRule.set(v.ruleName, entry);
    for (const r of v.violatingResources) {
      const same = entry.resources.find((x) => x.logicalId === r.resourceLogicalId && x.templateFile === r.templatePath);
      if (same) {
        (same.locations as string[]).push(...r.locations);
      } else {
        entry.resources.push({ logicalId: r.resourceLogicalId, templateFile: r.templatePath, locations: [...r.locations] });
      }
    }
  }
  return [...byRule.entries()].map(([ruleName, e]) => {
    const rule = index.byName.get(ruleName);
    return {
      controlId: rule?.controlId ?? /^\[([^\]]+)\]/.exec(e.description)?.[1] ?? ruleName,
      ruleFile: rule?.ruleFile ?? ruleName,
      ruleName,
      ...e,
    };
  });
}

let executable: { readonly from: string; readonly to: string } | undefined;

/**
 * `bundled` if it is executable, else an executable copy of it in the temp folder (made once).
 * @internal exported for its test
 */
export function executableCfnGuard(bundled: string): string {
  if (executable?.from === bundled) return executable.to;
  let to = bundled;
  try {
    fs.accessSync(bundled, fs.constants.X_OK);
  } catch {
    const stat = fs.statSync(bundled);
    to = path.join(os.tmpdir(), `cfn-guard-${process.getuid?.() ?? 'u'}-${stat.size}-${Math.floor(stat.mtimeMs)}`);
    if (!isExecutable(to)) {
      // copy then rename: atomic even when several jest workers do it at once
      const tmp = `${to}.${process.pid}.tmp`;
      fs.copyFileSync(bundled, tmp);
      fs.chmodSync(tmp, 0o755);
      fs.renameSync(tmp, to);
    }
  }
  executable = { from: bundled, to };
  return to;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface RuleIndex {
  readonly byName: Map<string, ControlTowerRule>;
  readonly byAlias: Map<string, ControlTowerRule>;
}

let cachedIndex: RuleIndex | undefined;

/** Rule name, file and control id of every bundled rule (read once per jest worker). */
function ruleIndex(): RuleIndex {
  if (cachedIndex) return cachedIndex;
  const byName = new Map<string, ControlTowerRule>();
  const byAlias = new Map<string, ControlTowerRule>();
  const guardDir = path.join(RULES_DIR, 'cfn-guard');
  for (const service of fs.readdirSync(guardDir)) {
    for (const file of fs.readdirSync(path.join(guardDir, service)).filter((f) => f.endsWith('.guard'))) {
      const guardFile = path.join(guardDir, service, file);
      const ruleFile = file.replace(/\.guard$/, '');
      const ruleName = /^rule\s+([A-Za-z0-9_]+)\s+when/m.exec(fs.readFileSync(guardFile, 'utf8'))?.[1];
      const metaFile = path.join(RULES_DIR, 'metadata', service, `${ruleFile}.metadata.json`);
      const meta = fs.existsSync(metaFile)
        ? JSON.parse(fs.readFileSync(metaFile, 'utf8')) as { Id?: string; EvaluatedResourceTypes?: string[] }
        : {};
      if (!ruleName) continue;
      const rule: ControlTowerRule = {
        controlId: meta.Id ?? ruleFile.toUpperCase().replace(/-/g, '.'),
        ruleFile,
        ruleName,
        guardFile,
        evaluatedResourceTypes: meta.EvaluatedResourceTypes ?? [],
      };
      byName.set(ruleName, rule);
      for (const alias of [rule.controlId, ruleFile, ruleName]) byAlias.set(alias.toLowerCase(), rule);
    }
  }
  cachedIndex = { byName, byAlias };
  return cachedIndex;
}

function resolveRule(name: string): ControlTowerRule {
  const rule = ruleIndex().byAlias.get(name.toLowerCase());
  if (!rule) {
    throw new Error(`unknown Control Tower rule '${name}': use a control id (CT.LAMBDA.PR.3), a rule file (ct-lambda-pr-3) or a guard rule name`);
  }
  return rule;
}
