import { Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { expressionJson } from './anomaly-json';
import { ANOMALY_LIMITS, formatNumber } from './anomaly-limits';

/** The impact an anomaly alert threshold compares. */
export enum AnomalyThresholdKind {
  /** the anomaly's total impact in US dollars (`ANOMALY_TOTAL_IMPACT_ABSOLUTE`) */
  ABSOLUTE_USD = 'ANOMALY_TOTAL_IMPACT_ABSOLUTE',
  /** the anomaly's total impact as a percentage of the expected spend (`ANOMALY_TOTAL_IMPACT_PERCENTAGE`) */
  PERCENTAGE = 'ANOMALY_TOTAL_IMPACT_PERCENTAGE',
  /** every operand must be met (`And`) */
  ALL_OF = 'AND',
  /** one operand is enough (`Or`) */
  ANY_OF = 'OR',
}

/**
 * When an anomaly is worth an alert: the `ThresholdExpression` of an anomaly subscription.
 *
 * An anomaly is alerted when its total impact is at least the threshold (GREATER_THAN_OR_EQUAL,
 * the only match option the API takes), in dollars, in percent of the expected spend, or any
 * combination of both with `allOf` / `anyOf`. Anomalies below the threshold still show in the
 * console and in GetAnomalies.
 *
 * @see https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_AnomalySubscription.html
 *
 * @exampleMetadata fixture=bare
 * @example
 * import { AnomalyThreshold } from 'cdk-bedrock-cost-governance';
 *
 * // $100 or more, and at least 20 % above the expected spend
 * const threshold = AnomalyThreshold.allOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(20));
 */
export abstract class AnomalyThreshold {
  /**
   * Alert when the anomaly's total impact is at least `usd` US dollars.
   * @param usd 0.01–10,000,000,000 (or a token)
   */
  public static absoluteUsd(usd: number): AnomalyThreshold {
    checkValue('AnomalyThreshold.absoluteUsd', 'usd', usd);
    return new ImpactThreshold(AnomalyThresholdKind.ABSOLUTE_USD, usd);
  }

  /**
   * Alert when the anomaly's total impact is at least `percent` % of the expected spend (an
   * impact can exceed 100 %).
   * @param percent 0.01–10,000,000,000 (or a token)
   */
  public static percentage(percent: number): AnomalyThreshold {
    checkValue('AnomalyThreshold.percentage', 'percent', percent);
    return new ImpactThreshold(AnomalyThresholdKind.PERCENTAGE, percent);
  }

  /** Alert when every threshold is met (`And`); at least two. */
  public static allOf(...thresholds: AnomalyThreshold[]): AnomalyThreshold {
    checkOperands('AnomalyThreshold.allOf', thresholds);
    return new CombinedThreshold(AnomalyThresholdKind.ALL_OF, thresholds);
  }

  /** Alert when any of the thresholds is met (`Or`); at least two. */
  public static anyOf(...thresholds: AnomalyThreshold[]): AnomalyThreshold {
    checkOperands('AnomalyThreshold.anyOf', thresholds);
    return new CombinedThreshold(AnomalyThresholdKind.ANY_OF, thresholds);
  }

  /** What the threshold compares, or how it combines others. */
  public abstract readonly kind: AnomalyThresholdKind;

  /**
   * The ThresholdExpression as CloudFormation takes it: a JSON string (a token that resolves to
   * `Fn::Join` when a value is a token).
   */
  public toJsonString(scope: IConstruct): string {
    return expressionJson(scope, this._toExpression());
  }

  /**
   * The Cost Explorer `Expression` object.
   * @internal
   */
  public abstract _toExpression(): { [key: string]: unknown };
}

class ImpactThreshold extends AnomalyThreshold {
  constructor(public readonly kind: AnomalyThresholdKind, private readonly value: number) {
    super();
  }

  public _toExpression(): { [key: string]: unknown } {
    return {
      Dimensions: {
        Key: this.kind,
        MatchOptions: ['GREATER_THAN_OR_EQUAL'],
        Values: [Token.isUnresolved(this.value) ? Tokenization.stringifyNumber(this.value) : String(this.value)],
      },
    };
  }
}

class CombinedThreshold extends AnomalyThreshold {
  constructor(public readonly kind: AnomalyThresholdKind, private readonly operands: AnomalyThreshold[]) {
    super();
  }

  public _toExpression(): { [key: string]: unknown } {
    const key = this.kind === AnomalyThresholdKind.ALL_OF ? 'And' : 'Or';
    return { [key]: this.operands.map((t) => t._toExpression()) };
  }
}

function checkValue(where: string, name: string, value: number): void {
  if (Token.isUnresolved(value)) return;
  const { minThreshold: min, maxThreshold: max } = ANOMALY_LIMITS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Error(`${where}: ${name} must be a number from ${min} to ${formatNumber(max)} (got ${value})`);
  }
}

function checkOperands(where: string, thresholds: AnomalyThreshold[]): void {
  if (thresholds.length < 2) {
    throw new Error(`${where}: thresholds must hold at least 2 thresholds to combine (got ${thresholds.length})`);
  }
  thresholds.forEach((t, i) => {
    if (!(t instanceof AnomalyThreshold)) {
      throw new Error(`${where}: thresholds[${i}] must be an AnomalyThreshold (got ${String(t)})`);
    }
  });
}
