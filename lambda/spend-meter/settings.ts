import { METER_DEFAULTS, METER_ENV, METER_SCHEMA_VERSION, MeterSettings } from '../../src/contracts/spend-meter';
import { TOKEN_KINDS } from '../../src/contracts/usage-cost';

/** Reads and checks the settings the construct wrote (METER_ENV.settings); a bad one throws at the first invocation. */
export function meterSettingsFromEnv(env: Record<string, string | undefined>): MeterSettings {
  const raw = env[METER_ENV.settings];
  if (!raw) throw new Error(`${METER_ENV.settings} is not set`);
  let parsed: MeterSettings;
  try {
    parsed = JSON.parse(raw) as MeterSettings;
  } catch {
    throw new Error(`${METER_ENV.settings} is not JSON`);
  }
  return checkSettings(parsed);
}

export function checkSettings(s: MeterSettings): MeterSettings {
  const problems: string[] = [];
  if (s.version !== METER_SCHEMA_VERSION) problems.push(`version must be ${METER_SCHEMA_VERSION} (got ${s.version})`);
  for (const field of ['meterName', 'tableName', 'tagKey'] as const) {
    if (typeof s[field] !== 'string' || s[field].length === 0) problems.push(`${field} must be a non-empty string`);
  }
  if (!Array.isArray(s.prices)) problems.push('prices must be a list');
  (s.prices ?? []).forEach((p, i) => {
    if (typeof p.modelId !== 'string' || p.modelId.length === 0) problems.push(`prices[${i}].modelId must be a non-empty string`);
    for (const k of TOKEN_KINDS) {
      const v = p[k.price];
      if (v === undefined && !k.required) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`prices[${i}].${k.price} must be a number ≥ 0`);
    }
  });
  problems.push(...enforcementProblems(s));
  if (problems.length > 0) throw new Error(`${METER_ENV.settings}: ${problems.join('; ')}`);
  return {
    ...s,
    metricNamespace: s.metricNamespace || METER_DEFAULTS.metricNamespace,
    principalMetricThresholdUsd: s.principalMetricThresholdUsd ?? METER_DEFAULTS.principalMetricThresholdUsd,
    requestTtlSeconds: s.requestTtlSeconds ?? METER_DEFAULTS.requestTtlSeconds,
  };
}

/** Checks of the enforcement and reconciliation settings. */
function enforcementProblems(s: MeterSettings): string[] {
  const problems: string[] = [];
  const e = s.enforcement;
  if (e !== undefined) {
    if (e.topicArn !== undefined && !/^arn:aws[a-z-]*:sns:/.test(e.topicArn)) problems.push('enforcement.topicArn must be an SNS topic ARN');
    if (e.capCacheSeconds !== undefined && !(Number.isInteger(e.capCacheSeconds) && e.capCacheSeconds >= 0)) problems.push('enforcement.capCacheSeconds must be an integer ≥ 0');
    if (e.policyNamePrefix !== undefined && !/^[\w+=,.@-]{1,40}$/.test(e.policyNamePrefix)) problems.push('enforcement.policyNamePrefix must match [\\w+=,.@-]{1,40}');
    for (const [cc, deny] of Object.entries(e.costCenters ?? {})) {
      if (!/^arn:aws[a-z-]*:iam::\d{12}:policy\//.test(deny?.denyPolicyArn ?? '')) problems.push(`enforcement.costCenters['${cc}'].denyPolicyArn must be an IAM managed policy ARN`);
      if (!Array.isArray(deny?.roleNames) || deny.roleNames.some((r) => typeof r !== 'string' || r.length === 0 || r.includes('/'))) {
        problems.push(`enforcement.costCenters['${cc}'].roleNames must be a list of role names (not ARNs)`);
      }
    }
  }
  const lag = s.reconciliation?.lagDays;
  if (lag !== undefined && !(Number.isInteger(lag) && lag >= 1 && lag <= 30)) problems.push('reconciliation.lagDays must be an integer in 1–30');
  return problems;
}
