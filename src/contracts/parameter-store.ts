/**
 * Parameter Store's rules for the profile catalog's entries: one source for the catalog
 * constructs (synth-time checks of the prefix and of declared tenant keys) and the catalog sync
 * of the profile-resolver handler (which skips profiles whose tenant key would break them).
 * Dependency-free (bundled into the handler by esbuild).
 *
 * Sources:
 * - PutParameter, `Name` (the SSM API model, ../shared/aws-models/ssm.json, and
 *   https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html):
 *   "can't be prefixed with aws or ssm (case-insensitive)"; "can include only the following
 *   symbols and letters: a-zA-Z0-9_.-", the slash delineating hierarchies; "Parameter hierarchies
 *   are limited to a maximum depth of fifteen levels"; "The maximum length for a parameter name
 *   that you specify is 1011 characters. This count of 1011 characters includes the characters in
 *   the ARN that precede the name you specify ... the following 45 characters count toward the
 *   1011 character maximum for a parameter created in the US East (Ohio) Region:
 *   arn:aws:ssm:us-east-2:111122223333:parameter/". (The model's own length, 1–2048, includes
 *   1,037 characters reserved for internal use.)
 * - PutParameter, `Tier` (same model): "You can create a maximum of 10,000 standard parameters for
 *   each Region in an Amazon Web Services account"; "Standard parameters have a content size limit
 *   of 4 KB".
 */

/** The rules of parameter names. */
export const PARAMETER_NAME_RULES = {
  /** one level of a hierarchical name */
  segmentPattern: '[a-zA-Z0-9_.-]+',
  /** hierarchy levels at most */
  maxDepth: 15,
  /** the longest name, counting the ARN before it (`arn:<partition>:ssm:<region>:<account>:parameter/`) */
  maxLengthWithArn: 1011,
  /** names may not begin with these (case-insensitive; after the leading slash of a hierarchical name) */
  reservedPrefixes: ['aws', 'ssm'],
} as const;

/** Standard parameters per account and Region (the standard tier's quota). */
export const STANDARD_PARAMETER_QUOTA = 10_000;

/** The largest value of a standard parameter, in characters. */
export const STANDARD_PARAMETER_MAX_VALUE = 4096;

const SEGMENT = new RegExp(`^${PARAMETER_NAME_RULES.segmentPattern}$`);

/**
 * The length of the ARN before a parameter's name, `arn:<partition>:ssm:<region>:<account>:parameter/`
 * (the leading slash of a hierarchical name is not repeated in the ARN).
 */
export function parameterArnPrefixLength(partition: string, region: string, account: string): number {
  return `arn:${partition}:ssm:${region}:${account}:parameter/`.length;
}

/**
 * The length a name counts toward the 1011-character maximum: the ARN prefix plus the name
 * without its leading slash.
 */
export function nameLengthWithArn(name: string, arnPrefixLength: number): number {
  return arnPrefixLength + name.replace(/^\//, '').length;
}

/**
 * The problems of a hierarchical parameter path (a catalog prefix, `/a/b`): a leading slash, no
 * trailing slash, levels of `a-zA-Z0-9_.-`, not `aws…`/`ssm…`, at most `maxDepth` levels.
 */
export function parameterPathProblems(path: string, maxDepth: number = PARAMETER_NAME_RULES.maxDepth): string[] {
  const problems: string[] = [];
  if (!path.startsWith('/')) problems.push('must begin with a slash (a hierarchical name: /a/b)');
  if (path.length > 1 && path.endsWith('/')) problems.push('must not end with a slash');
  const segments = path.replace(/^\//, '').replace(/\/$/, '').split('/');
  if (segments.some((s) => !SEGMENT.test(s))) {
    problems.push(`may hold only levels of ${PARAMETER_NAME_RULES.segmentPattern} separated by single slashes`);
  }
  const first = segments[0] ?? '';
  if (PARAMETER_NAME_RULES.reservedPrefixes.some((p) => first.toLowerCase().startsWith(p))) {
    problems.push(`must not begin with ${PARAMETER_NAME_RULES.reservedPrefixes.map((p) => `'${p}'`).join(' or ')} (case-insensitive; reserved by AWS)`);
  }
  if (segments.length > maxDepth) problems.push(`has ${segments.length} levels; at most ${maxDepth}`);
  return problems;
}

/**
 * The problems of a tenant key, the part of an entry's name after the catalog prefix
 * (`<prefix>/<tenantKey>`): levels of `a-zA-Z0-9_.-` separated by single slashes.
 */
export function tenantKeyProblems(tenantKey: string): string[] {
  if (tenantKey.length === 0) return ['must not be empty'];
  return tenantKey.split('/').every((segment) => SEGMENT.test(segment))
    ? []
    : [`'${tenantKey}' may hold only levels of ${PARAMETER_NAME_RULES.segmentPattern} separated by single slashes`];
}

/**
 * The problems of a whole entry name `<prefix>/<tenantKey>` beyond those of its parts: its depth
 * and its length counted with the ARN (`arnPrefixLength`, see {@link parameterArnPrefixLength}).
 */
export function entryNameProblems(name: string, arnPrefixLength: number): string[] {
  const problems: string[] = [];
  const depth = name.replace(/^\//, '').split('/').length;
  if (depth > PARAMETER_NAME_RULES.maxDepth) {
    problems.push(`'${name}' has ${depth} hierarchy levels; Parameter Store allows at most ${PARAMETER_NAME_RULES.maxDepth}`);
  }
  const length = nameLengthWithArn(name, arnPrefixLength);
  if (length > PARAMETER_NAME_RULES.maxLengthWithArn) {
    problems.push(`'${name.length > 60 ? `${name.slice(0, 57)}...` : name}' is ${length} characters long with its ARN; `
      + `Parameter Store allows at most ${PARAMETER_NAME_RULES.maxLengthWithArn}`);
  }
  return problems;
}

/** The partition of a Region, for the length of ARNs (`aws` unless the Region says otherwise). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}
