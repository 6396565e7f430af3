import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { InferenceGeo } from '../../src/models/inference-geo';
import { ModelSource } from '../../src/models/model-source';
import { ApplicationInferenceProfile } from '../../src/profiles/application-inference-profile';
import { IApplicationInferenceProfile } from '../../src/profiles/profile-base';

export const SONNET = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
export const LLAMA = 'meta.llama3-3-70b-instruct-v1:0';
export const NOVA = 'amazon.nova-pro-v1:0';
export const ACCOUNT = '111122223333';

export function newStack(id = 'Test'): Stack {
  return new Stack(new App(), id, { env: { account: ACCOUNT, region: 'us-east-1' } });
}

/** An imported profile with a literal ARN, so its ID (the metric dimension) is literal too. */
export function importedProfile(stack: Stack, id: string, profileId: string,
  modelSource?: ModelSource, tags?: { [key: string]: string }): IApplicationInferenceProfile {
  return ApplicationInferenceProfile.fromProfileAttributes(stack, id, {
    profileArn: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/${profileId}`,
    modelSource,
    tags,
  });
}

export const sonnetUs = () => ModelSource.crossRegion(InferenceGeo.US, SONNET);
export const novaPro = () => ModelSource.foundationModel(NOVA);

/** A widget of a parsed dashboard body. */
export interface BodyWidget {
  readonly type: string;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title?: string;
    readonly markdown?: string;
    readonly view?: string;
    readonly stacked?: boolean;
    readonly setPeriodToTimeRange?: boolean;
    readonly metrics?: unknown[][];
  };
}

/** A dashboard of the template, its body parsed (intrinsics replaced by `<Ref:x>` / `<GetAtt:x.y>`). */
export interface ParsedDashboard {
  /** The stack whose template holds it: the stack given or a nested stack beneath it. */
  readonly stack: Stack;
  readonly logicalId: string;
  readonly name: unknown;
  readonly widgets: BodyWidget[];
  readonly bodyLength: number;
}

/** The stack and the nested stacks beneath it, the stack first, then in construction order. */
export function stackAndNested(stack: Stack): Stack[] {
  return [stack, ...stack.node.findAll().filter((c): c is Stack => c !== stack && Stack.isStack(c))];
}

/** The dashboards of the stack's template, then those of the nested stacks beneath it. */
export function dashboards(stack: Stack): ParsedDashboard[] {
  return stackAndNested(stack).flatMap((s) => {
    const resources = Template.fromStack(s).findResources('AWS::CloudWatch::Dashboard');
    return Object.entries(resources).map(([logicalId, r]) => {
      const body = flatten(r.Properties.DashboardBody);
      return { stack: s, logicalId, name: r.Properties.DashboardName, widgets: JSON.parse(body).widgets, bodyLength: body.length };
    });
  });
}

/** A string from a template value: `Fn::Join` joined, `Ref` and `Fn::GetAtt` as placeholders. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v['Fn::Join']) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(flatten).join(sep);
  }
  if (v.Ref) return `<Ref:${v.Ref}>`;
  if (v['Fn::GetAtt']) return `<GetAtt:${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  throw new Error(`unexpected template value ${JSON.stringify(value)}`);
}

/** A metric entry of a widget: a metric `[namespace, name, dim, value, {opts}]` or an expression `[{expression, ...}]`. */
export interface MetricEntry {
  readonly expression?: string;
  readonly id?: string;
  readonly label?: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions?: { [name: string]: string };
  readonly stat?: string;
  readonly visible?: boolean;
}

export function entries(widget: BodyWidget): MetricEntry[] {
  return (widget.properties.metrics ?? []).map((row) => {
    const opts = (typeof row[row.length - 1] === 'object' ? row[row.length - 1] : {}) as Record<string, unknown>;
    if (typeof row[0] === 'object') return { ...(row[0] as object) } as MetricEntry;
    const strings = row.filter((x) => typeof x === 'string') as string[];
    const dimensions: { [name: string]: string } = {};
    for (let i = 2; i + 1 < strings.length; i += 2) dimensions[strings[i]] = strings[i + 1];
    return { ...opts, namespace: strings[0], metricName: strings[1], dimensions } as MetricEntry;
  });
}

export const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;

/** Problems of a widget's math: ids unique and well-formed, every id an expression names defined, expressions ≤ 2,048 chars. */
export function mathProblems(widget: BodyWidget): string[] {
  const problems: string[] = [];
  const all = entries(widget);
  const ids = all.map((e) => e.id).filter((id): id is string => id !== undefined);
  const defined = new Set(ids);
  if (defined.size !== ids.length) problems.push(`${widget.properties.title}: duplicate ids`);
  for (const id of ids) if (!METRIC_ID.test(id)) problems.push(`${widget.properties.title}: id '${id}'`);
  for (const e of all) {
    if (!e.expression) continue;
    if (e.expression.length > 2048) problems.push(`${widget.properties.title}: expression of ${e.expression.length} chars`);
    for (const name of e.expression.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? []) {
      if (!defined.has(name)) problems.push(`${widget.properties.title}: '${name}' in ${e.expression} is not defined`);
    }
  }
  return problems;
}

export function expectWellFormedMath(widget: BodyWidget): void {
  expect(mathProblems(widget)).toEqual([]);
}

/** The warnings a construct itself added (without synthesizing the app again, as Annotations.fromStack does). */
export function warningsOf(construct: IConstruct): string[] {
  return construct.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data));
}
