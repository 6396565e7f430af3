import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CLOUDWATCH_LIMITS } from '../util/cloudwatch-limits';

/** A metric or expression with its id in a graph or alarm (internal). */
export interface IdentifiedMetric {
  readonly id: string;
  readonly metric: cloudwatch.IMetric;
}

/** A math expression, checked against the expression length limit (internal). */
export function expression(props: cloudwatch.MathExpressionProps): cloudwatch.MathExpression {
  if (props.expression.length > CLOUDWATCH_LIMITS.expressionLength) {
    throw new Error(`internal error: a metric math expression has ${props.expression.length} characters (limit ${CLOUDWATCH_LIMITS.expressionLength})`);
  }
  return new cloudwatch.MathExpression(props);
}

/** `SUM([…])` of series (also of a single one, so the label is the sum's). */
export function sumAll(parts: readonly IdentifiedMetric[], label: string, period: Duration): cloudwatch.MathExpression {
  return expression({ expression: `SUM([${parts.map((p) => p.id).join(',')}])`, usingMetrics: usingMetricsOf(parts), label, period });
}

/** `SUM([a,b,…])` over expressions, or the only one relabelled. */
export function sumOf(parts: Array<{ id: string; metric: cloudwatch.MathExpression }>, label: string, period: Duration): cloudwatch.MathExpression {
  if (parts.length === 1) return parts[0].metric.with({ label });
  return sumAll(parts, label, period);
}

/** `FILL(a,0)+FILL(b,0)…` over metrics, so one profile without data does not blank the sum. */
export function filledSum(parts: readonly IdentifiedMetric[], label: string, period: Duration): cloudwatch.MathExpression {
  return expression({ expression: parts.map((t) => `FILL(${t.id},0)`).join('+'), usingMetrics: usingMetricsOf(parts), label, period });
}

/** The `usingMetrics` of an expression over `parts`. */
export function usingMetricsOf(parts: readonly IdentifiedMetric[]): Record<string, cloudwatch.IMetric> {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  for (const p of parts) usingMetrics[p.id] = p.metric;
  return usingMetrics;
}
