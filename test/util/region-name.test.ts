import * as fs from 'fs';
import * as path from 'path';
import { REGION_NAME } from '../../src/util/validation';

/** The Region part of CloudFormation's own ARN pattern (AWS::Lambda::Permission's schema, FunctionName). */
function schemaRegionPattern(): RegExp {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cfn-schemas', 'aws-lambda-permission.json'), 'utf8'));
  const arn: string = schema.properties.FunctionName.pattern;
  const start = arn.indexOf('(eusc-)?');
  const end = arn.indexOf('-\\d{1}', start) + '-\\d{1}'.length;
  expect(start).toBeGreaterThan(0);
  return new RegExp(`^${arn.slice(start, end)}$`);
}

describe('REGION_NAME: the shape of a Region name', () => {
  test.each(['us-east-1', 'ap-southeast-7', 'us-gov-west-1', 'cn-north-1', 'us-isob-east-1', 'us-isof-south-1', 'eusc-de-east-1', 'mx-central-1'])(
    '%s is a Region name, as CloudFormation\'s ARN pattern says', (region) => {
      expect(REGION_NAME.test(region)).toBe(true);
      expect(schemaRegionPattern().test(region)).toBe(true);
    });

  test.each(['useast1', 'us-east', 'US-EAST-1', 'eusc-east-1', 'global', 'us-east-1a'])('%s is not', (region) => {
    expect(REGION_NAME.test(region)).toBe(false);
  });
});
