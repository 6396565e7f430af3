import { REPORT_ENV, REPORT_SCHEMA_VERSION, ReportSettings } from '../../src/contracts/chargeback-report';

/** The function's own settings are not valid: a deployment problem, not the caller's. */
export class ReportMisconfigured extends Error {
  public readonly name = 'ReportMisconfigured';
}

const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * Reads and checks `REPORT_SETTINGS` (written by the ChargebackReport construct): the handler
 * trusts nothing it was given, so an edited or truncated variable fails with what is wrong
 * instead of a report built from half a configuration.
 */
export function settingsFromEnv(env: Record<string, string | undefined>): ReportSettings {
  const raw = env[REPORT_ENV.settings];
  if (!raw) throw new ReportMisconfigured(`${REPORT_ENV.settings} is not set`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch (error) {
    throw new ReportMisconfigured(`${REPORT_ENV.settings} is not JSON: ${(error as Error).message}`);
  }
  const problems: string[] = [];
  if (parsed.version !== REPORT_SCHEMA_VERSION) problems.push(`version must be ${REPORT_SCHEMA_VERSION}, not ${JSON.stringify(parsed.version)}`);
  for (const key of ['reportName', 'tagKey', 'metric', 'bucket'] as const) {
    if (!isString(parsed[key]) || parsed[key] === '') problems.push(`${key} must be a non-empty string`);
  }
  if (!isString(parsed.prefix) || (parsed.prefix !== '' && !parsed.prefix.endsWith('/'))) problems.push("prefix must be '' or end with '/'");
  if (typeof parsed.byLinkedAccount !== 'boolean') problems.push('byLinkedAccount must be a boolean');
  if (!Number.isInteger(parsed.topCostCenters) || (parsed.topCostCenters as number) < 1) problems.push('topCostCenters must be a positive integer');
  for (const key of ['principalTagKey', 'topicArn', 'metricNamespace'] as const) {
    if (parsed[key] !== undefined && (!isString(parsed[key]) || parsed[key] === '')) problems.push(`${key} must be a non-empty string when given`);
  }
  if (parsed.knownCostCenters !== undefined
    && !(Array.isArray(parsed.knownCostCenters) && parsed.knownCostCenters.every(isString))) {
    problems.push('knownCostCenters must be a list of strings');
  }
  if (parsed.filter !== undefined && (typeof parsed.filter !== 'object' || parsed.filter === null || Array.isArray(parsed.filter))) {
    problems.push('filter must be a Cost Explorer Expression object');
  }
  if (problems.length > 0) throw new ReportMisconfigured(`${REPORT_ENV.settings}: ${problems.join('; ')}`);
  return parsed as unknown as ReportSettings;
}
