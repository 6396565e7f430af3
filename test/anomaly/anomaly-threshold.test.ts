import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { AnomalyThreshold, AnomalyThresholdKind } from '../../src/anomaly';

const stack = new Stack(new App(), 'Test');

function json(threshold: AnomalyThreshold): unknown {
  return JSON.parse(threshold.toJsonString(stack));
}

const absolute = (value: string) => ({ Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_ABSOLUTE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: [value] } });
const percent = (value: string) => ({ Dimensions: { Key: 'ANOMALY_TOTAL_IMPACT_PERCENTAGE', MatchOptions: ['GREATER_THAN_OR_EQUAL'], Values: [value] } });

describe('AnomalyThreshold renders the ThresholdExpression of the Cost Explorer API', () => {
  test('absoluteUsd: total impact in dollars, GREATER_THAN_OR_EQUAL, value as a string', () => {
    expect(AnomalyThreshold.absoluteUsd(100).toJsonString(stack))
      .toBe('{"Dimensions":{"Key":"ANOMALY_TOTAL_IMPACT_ABSOLUTE","MatchOptions":["GREATER_THAN_OR_EQUAL"],"Values":["100"]}}');
    expect(AnomalyThreshold.absoluteUsd(100).kind).toBe(AnomalyThresholdKind.ABSOLUTE_USD);
  });

  test('percentage: total impact in percent of the expected spend; above 100 % is allowed', () => {
    expect(json(AnomalyThreshold.percentage(20))).toEqual(percent('20'));
    expect(json(AnomalyThreshold.percentage(250))).toEqual(percent('250'));
  });

  test('decimals and the bounds are written without exponent', () => {
    expect(json(AnomalyThreshold.absoluteUsd(0.01))).toEqual(absolute('0.01'));
    expect(json(AnomalyThreshold.absoluteUsd(12.5))).toEqual(absolute('12.5'));
    expect(json(AnomalyThreshold.absoluteUsd(10_000_000_000))).toEqual(absolute('10000000000'));
  });

  test('allOf: And of the operands', () => {
    const t = AnomalyThreshold.allOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(20));
    expect(t.kind).toBe(AnomalyThresholdKind.ALL_OF);
    expect(json(t)).toEqual({ And: [absolute('100'), percent('20')] });
  });

  test('anyOf: Or of the operands', () => {
    const t = AnomalyThreshold.anyOf(AnomalyThreshold.absoluteUsd(1000), AnomalyThreshold.percentage(50));
    expect(t.kind).toBe(AnomalyThresholdKind.ANY_OF);
    expect(json(t)).toEqual({ Or: [absolute('1000'), percent('50')] });
  });

  test('combinations nest', () => {
    const t = AnomalyThreshold.anyOf(
      AnomalyThreshold.absoluteUsd(5000),
      AnomalyThreshold.allOf(AnomalyThreshold.absoluteUsd(100), AnomalyThreshold.percentage(40)),
    );
    expect(json(t)).toEqual({ Or: [absolute('5000'), { And: [absolute('100'), percent('40')] }] });
  });

  test('a value that is a token is not judged and is joined into the JSON', () => {
    const s = new Stack(new App(), 'Tokens');
    const usd = new CfnParameter(s, 'Usd', { type: 'Number' }).valueAsNumber;
    expect(s.resolve(AnomalyThreshold.absoluteUsd(usd).toJsonString(s))).toEqual({
      'Fn::Join': ['', ['{"Dimensions":{"Key":"ANOMALY_TOTAL_IMPACT_ABSOLUTE","MatchOptions":["GREATER_THAN_OR_EQUAL"],"Values":["', { Ref: 'Usd' }, '"]}}']],
    });
  });
});
