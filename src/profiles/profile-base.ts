import { Duration, Resource, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { tagPrincipalWith } from './principal-tagging';
import { ModelPricing } from '../models/model-pricing';
import { ModelSource } from '../models/model-source';
import { ICostAllocationTagged } from '../tags/cost-allocation-tagged';
import { CostCenter } from '../tags/cost-center';
import { acknowledgeNagFinding } from '../util/nag-acknowledgement';

/** The invoke actions; Converse and ConverseStream are authorized by these two. */
const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** Options of `grantInvoke`. */
export interface GrantInvokeOptions {
  /**
   * Also tag the grantee's role with the profile's cost allocation tags, so that Bedrock's
   * IAM-principal cost attribution (`iamPrincipal/<key>` in billing) names the same cost center.
   * The grantee's principal must be an `iam.Role` created in this app; a different value
   * already on the role is a synth error.
   * @default false
   */
  readonly tagPrincipal?: boolean;
}

/** An application inference profile, made by this library or elsewhere. */
export interface IApplicationInferenceProfile extends ICostAllocationTagged {
  /**
   * The ARN, `arn:<partition>:bedrock:<region>:<account>:application-inference-profile/<id>`.
   * @attribute
   */
  readonly profileArn: string;

  /**
   * The ID (the last part of the ARN); CloudWatch reports its metrics under `ModelId` = this ID.
   * @attribute
   */
  readonly profileId: string;

  /**
   * What the profile copies.
   * @default - unknown for profiles imported without it
   */
  readonly modelSource?: ModelSource;

  /**
   * The cost center the profile belongs to: dashboards title its section by it, budgets and
   * anomaly monitors filter by its tags.
   * @default - none (profiles created without a cost center, or imported without one)
   */
  readonly costCenter?: CostCenter;

  /**
   * Allows the grantee to invoke the model through this profile (InvokeModel,
   * InvokeModelWithResponseStream, and so Converse/ConverseStream), and the underlying model
   * only through this profile.
   */
  grantInvoke(grantee: iam.IGrantable, options?: GrantInvokeOptions): iam.Grant;

  /** Allows the grantee to read the profile (GetInferenceProfile, ListTagsForResource). */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /** A metric of the profile in `AWS/Bedrock`, dimension `ModelId` = the profile ID. */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Requests accepted for processing (Sum). */
  metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Time to the last token (Average by default; pass `statistic: 'p99'` for percentiles). */
  metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input tokens (Sum). */
  metricInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Output tokens (Sum). */
  metricOutputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Invocations that failed with a client-side error (Sum). */
  metricInvocationClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Invocations that failed with a server-side error (Sum). */
  metricInvocationServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Throttled invocations (Sum); they count in neither Invocations nor errors. */
  metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  /** Input + output tokens, as a math expression. */
  metricTotalTokens(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression;
  /**
   * Estimated cost in USD per period, as metric math over the token metrics:
   * (InputTokenCount × input price + OutputTokenCount × output price) / 1000.
   * Fails at synth when `pricing` has no price for the profile's model.
   */
  metricEstimatedCost(pricing: ModelPricing, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression;
}

/**
 * Grants and metrics shared by profiles made by this library and imported ones.
 */
export abstract class ApplicationInferenceProfileBase extends Resource implements IApplicationInferenceProfile {
  public abstract readonly profileArn: string;
  public abstract readonly profileId: string;
  public abstract readonly modelSource?: ModelSource;
  public abstract readonly costCenter?: CostCenter;
  public abstract readonly costAllocationTags: { [key: string]: string };

  public grantInvoke(grantee: iam.IGrantable, options: GrantInvokeOptions = {}): iam.Grant {
    if (options.tagPrincipal) tagPrincipalWith(grantee, this);
    const onProfile = iam.Grant.addToPrincipal({
      grantee,
      actions: INVOKE_ACTIONS,
      resourceArns: [this.profileArn],
    });
    // The model behind the profile, only through this profile: a grantee cannot call the model
    // directly (and so around the profile's cost allocation tags).
    // Without a known model source, any foundation model and any system-defined (cross-Region)
    // profile, still only through this profile: an imported profile may copy either.
    const source = this.modelSource?.bind(this) ?? {
      invokeResourceArns: [
        this.stack.formatArn({ service: 'bedrock', region: '*', account: '', resource: 'foundation-model', resourceName: '*' }),
        this.stack.formatArn({ service: 'bedrock', region: '*', account: '*', resource: 'inference-profile', resourceName: '*' }),
      ],
      invokeResourcesUseWildcard: true,
    };
    const throughProfile = iam.Grant.addToPrincipal({
      grantee,
      actions: INVOKE_ACTIONS,
      resourceArns: source.invokeResourceArns.filter((arn) => !isApplicationProfileArn(arn)),
      conditions: { StringEquals: { 'bedrock:InferenceProfileArn': this.profileArn } },
    });
    if (source.invokeResourcesUseWildcard && throughProfile.principalStatement) {
      acknowledgeOnPolicyOf(grantee, source.invokeResourceArns,
        'Destination Regions of cross-Region inference profiles change over time and may be tokens, so the foundation model is allowed in any Region; '
        + 'the statement is confined by the condition bedrock:InferenceProfileArn = this application inference profile, so the model can only be reached through it.');
    }
    return onProfile.combine(throughProfile);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['bedrock:GetInferenceProfile', 'bedrock:ListTagsForResource'],
      resourceArns: [this.profileArn],
    });
  }

  public metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Bedrock',
      metricName,
      dimensionsMap: { ModelId: this.profileId },
      period: Duration.minutes(5),
      ...props,
    });
  }

  public metricInvocations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: 'Sum', ...props });
  }

  public metricInvocationLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationLatency', { statistic: 'Average', ...props });
  }

  public metricInputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InputTokenCount', { statistic: 'Sum', ...props });
  }

  public metricOutputTokenCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('OutputTokenCount', { statistic: 'Sum', ...props });
  }

  public metricInvocationClientErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationClientErrors', { statistic: 'Sum', ...props });
  }

  public metricInvocationServerErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationServerErrors', { statistic: 'Sum', ...props });
  }

  public metricInvocationThrottles(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('InvocationThrottles', { statistic: 'Sum', ...props });
  }

  public metricEstimatedCost(pricing: ModelPricing, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const price = pricing.priceFor(this.modelSource);
    if (!price) {
      throw new Error(`${this.node.path}: pricing has no price for the profile's model (${this.modelSource?.identity ?? 'unknown model'}): add it with ModelPricing.custom()`);
    }
    const period = props?.period ?? Duration.minutes(5);
    const suffix = this.node.addr.slice(0, 10);
    return ModelPricing.estimatedCostExpression(price, this.metricInputTokenCount({ period }), this.metricOutputTokenCount({ period }), {
      label: 'Estimated cost (USD)', ...props, period, inputTokensId: `inputTokens_${suffix}`, outputTokensId: `outputTokens_${suffix}`,
    });
  }

  public metricTotalTokens(props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    const period = props?.period ?? Duration.minutes(5);
    return new cloudwatch.MathExpression({
      expression: 'inputTokens + outputTokens',
      usingMetrics: {
        inputTokens: this.metricInputTokenCount({ period }),
        outputTokens: this.metricOutputTokenCount({ period }),
      },
      label: 'Total tokens',
      ...props,
      period,
    });
  }
}

function isApplicationProfileArn(arn: string): boolean {
  return !Token.isUnresolved(arn) && arn.includes(':application-inference-profile/');
}

/** Records the cdk-nag acknowledgement of the wildcard model ARNs on the grantee's policy. */
function acknowledgeOnPolicyOf(grantee: iam.IGrantable, arns: string[], reason: string): void {
  const principal = grantee.grantPrincipal as unknown as IConstruct;
  const policy = findDefaultPolicy(principal);
  if (!policy) return;
  for (const arn of arns) {
    acknowledgeNagFinding(policy, 'AwsSolutions-IAM5', reason, `Resource::${arn}`);
  }
}

function findDefaultPolicy(principal: IConstruct): IConstruct | undefined {
  if (!principal || !principal.node) return undefined;
  const direct = principal.node.tryFindChild('DefaultPolicy');
  if (direct) return direct;
  // a Lambda function's principal is its role; a construct may expose `role`
  const role = (principal as unknown as { role?: IConstruct }).role;
  return role?.node?.tryFindChild('DefaultPolicy');
}
