/**
 * The shape of an AWS Region name: `[eusc-]<area>[-gov|-iso…]-<direction>-<n>`, e.g. `us-east-1`,
 * `ap-southeast-7`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`, `eusc-de-east-1` (the AWS
 * European Sovereign Cloud). The same shape as the Region part of CloudFormation's own ARN
 * patterns (`(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}`, the `AWS::Lambda::Permission`
 * resource schema), with up to two digits. A shape, not a list, so that Regions opened after this
 * version of the library are accepted (`SURVEYED_REGIONS` in src/util/region-guard.ts lists the
 * Regions the library has checked its resource types in).
 */
export const REGION_NAME = /^(eusc-)?[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}$/;
