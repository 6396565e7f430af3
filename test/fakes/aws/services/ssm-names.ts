import { serviceError } from '../service-error';

/** Parameter hierarchies are limited to fifteen levels. */
const MAX_DEPTH = 15;
/** The longest name, counting the ARN prefix (`arn:aws:ssm:us-east-2:111122223333:parameter/`). */
const MAX_NAME_WITH_ARN = 1011;

const NAME_RULES = 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of '
  + 'sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

/** The ARN of a parameter (the leading slash of a hierarchical name is not repeated). */
export function parameterArn(partition: string, region: string, accountId: string, name: string): string {
  return `arn:${partition}:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

/** The hierarchy levels of a name (`/a/b/c` → 3, `name` → 1). */
function depth(name: string): number {
  return name.replace(/^\//, '').split('/').length;
}

/** Checks a parameter name as PutParameter does and returns it trimmed (leading/trailing spaces are dropped). */
export function checkParameterName(rawName: string, arnPrefix: string): string {
  const name = rawName.trim();
  if (name.includes('/') && !name.startsWith('/')) throw serviceError('ValidationException', 'Parameter name must be a fully qualified name.');
  if (!/^\/?[a-zA-Z0-9_.-]+(\/[a-zA-Z0-9_.-]+)*$/.test(name) || /^\/?(aws|ssm)/i.test(name)) {
    throw serviceError('ValidationException', NAME_RULES);
  }
  if (depth(name) > MAX_DEPTH) {
    throw serviceError('HierarchyLevelLimitExceededException', `Parameter hierarchy levels exceed the limit of ${MAX_DEPTH}.`);
  }
  if (arnPrefix.length + name.replace(/^\//, '').length > MAX_NAME_WITH_ARN) {
    throw serviceError('ValidationException', `Parameter name, including its ARN prefix, exceeds ${MAX_NAME_WITH_ARN} characters.`);
  }
  return name;
}

/** Checks a GetParametersByPath path and returns it with a trailing slash (`/a/b` → `/a/b/`). */
export function checkParameterPath(path: string): string {
  if (!path.startsWith('/')) {
    throw serviceError('ValidationException', 'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
  }
  if (path !== '/' && !/^(\/[a-zA-Z0-9_.-]+)+\/?$/.test(path)) throw serviceError('ValidationException', NAME_RULES);
  if (path !== '/' && depth(path.replace(/\/$/, '')) > MAX_DEPTH) {
    throw serviceError('HierarchyLevelLimitExceededException', `Parameter hierarchy levels exceed the limit of ${MAX_DEPTH}.`);
  }
  return path.endsWith('/') ? path : `${path}/`;
}

/** Whether a parameter lies under a path (directly, or at any depth when recursive). */
export function isUnderPath(name: string, path: string, recursive: boolean): boolean {
  const full = name.startsWith('/') ? name : `/${name}`;
  if (!full.startsWith(path)) return false;
  return recursive || !full.slice(path.length).includes('/');
}

/**
 * Splits a GetParameter name into name and version selector (`/a/b:3`). An ARN gives the name
 * without its leading slash (`parameter/a/b`): look it up with and without one.
 */
export function splitSelector(raw: string): { name: string; selector?: string } {
  const arn = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/(.+)$/.exec(raw);
  const name = arn ? arn[1] : raw;
  const colon = name.lastIndexOf(':');
  return colon > 0 ? { name: name.slice(0, colon), selector: name.slice(colon + 1) } : { name };
}
