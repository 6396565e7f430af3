import {
  entryNameProblems, nameLengthWithArn, parameterArnPrefixLength, parameterPathProblems, PARAMETER_NAME_RULES, partitionOfRegion,
  STANDARD_PARAMETER_QUOTA, tenantKeyProblems,
} from '../../src/contracts/parameter-store';
import { AwsServiceError } from '../fakes/aws/service-error';
import { checkParameterName } from '../fakes/aws/services/ssm-names';

describe('Parameter Store name rules (one source for the catalog constructs and the sync)', () => {
  test('the numbers of the SSM API model and user guide', () => {
    expect(PARAMETER_NAME_RULES.maxDepth).toBe(15);
    expect(PARAMETER_NAME_RULES.maxLengthWithArn).toBe(1011);
    expect(STANDARD_PARAMETER_QUOTA).toBe(10_000);
    // "the following 45 characters count toward the 1011 character maximum for a parameter created in
    // the US East (Ohio) Region: arn:aws:ssm:us-east-2:111122223333:parameter/" (PutParameter, Name)
    expect(parameterArnPrefixLength('aws', 'us-east-2', '111122223333')).toBe(45);
    expect(nameLengthWithArn('/a/b', 45)).toBe(48);
  });

  test.each<[string, string[]]>([
    ['/bedrock/profiles', []],
    ['/a_b.c-d/E9', []],
    ['bedrock', ['must begin with a slash (a hierarchical name: /a/b)']],
    ['/bedrock/', ['must not end with a slash']],
    ['/a//b', ['may hold only levels of [a-zA-Z0-9_.-]+ separated by single slashes']],
    ['/Aws-things', ["must not begin with 'aws' or 'ssm' (case-insensitive; reserved by AWS)"]],
    ['/SSM', ["must not begin with 'aws' or 'ssm' (case-insensitive; reserved by AWS)"]],
  ])('path %s', (path, problems) => {
    expect(parameterPathProblems(path)).toEqual(problems);
  });

  test('depth: a path may hold 15 levels, a catalog prefix 14 (an entry adds one)', () => {
    const levels = (n: number) => `/${Array.from({ length: n }, (_, i) => `l${i}`).join('/')}`;
    expect(parameterPathProblems(levels(15))).toEqual([]);
    expect(parameterPathProblems(levels(16))).toEqual(['has 16 levels; at most 15']);
    expect(parameterPathProblems(levels(15), 14)).toEqual(['has 15 levels; at most 14']);
  });

  test.each([['claims', true], ['claims/intake', true], ['a.b_c-1', true], ['', false], ['/claims', false], ['claims/', false], ['a b', false], ['a:b', false]])(
    'tenant key %j valid: %s', (key, valid) => {
      expect(tenantKeyProblems(key).length === 0).toBe(valid);
    });

  test('partitions of Regions (for the ARN length)', () => {
    expect(['us-east-1', 'eu-central-2', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1'].map(partitionOfRegion))
      .toEqual(['aws', 'aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b']);
  });

  test('the rules and the AWS fake (written apart from them) agree at the limits', () => {
    const prefix = 'arn:aws:ssm:us-east-1:111122223333:parameter/';
    const refusedByFake = (name: string) => {
      try {
        checkParameterName(name, prefix);
        return false;
      } catch (e) {
        if (e instanceof AwsServiceError) return true;
        throw e;
      }
    };
    const atLimit = `/p/${'k'.repeat(1011 - prefix.length - 2)}`;
    const overLimit = `${atLimit}k`;
    const deep = `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`;
    for (const name of [atLimit, overLimit, deep, '/p/fifteen/levels']) {
      expect([name.slice(0, 20), entryNameProblems(name, prefix.length).length > 0]).toEqual([name.slice(0, 20), refusedByFake(name)]);
    }
  });
});
