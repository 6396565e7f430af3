import { ReportContext } from '../../../lambda/chargeback-report/run';
import { CostExplorerReader } from '../../../lambda/shared/cost-query';
import { ReportSettings } from '../../../src/contracts/chargeback-report';
import { bedrockBillingScope } from '../../../src/util/cost-filter';

export const SETTINGS: ReportSettings = {
  version: 1,
  reportName: 'Bedrock chargeback',
  tagKey: 'dept',
  knownCostCenters: ['claims', 'underwriting', 'fraud'],
  metric: 'NetUnblendedCost',
  filter: bedrockBillingScope(),
  billingScope: 'Bedrock',
  byLinkedAccount: true,
  principalTagKey: 'iamPrincipal/dept',
  bucket: 'reports-bucket',
  prefix: 'finance/',
  topicArn: 'arn:aws:sns:eu-west-1:111122223333:cost-alerts',
  metricNamespace: 'CdkBedrockCostGovernance/Chargeback',
  topCostCenters: 5,
};

/** An in-memory bucket and topic, and a context around a Cost Explorer reader. */
export function memoryContext(ce: CostExplorerReader, now: string, settings: Partial<ReportSettings> = {}) {
  const objects = new Map<string, { body: string; contentType: string }>();
  const messages: Array<{ TopicArn: string; Subject: string; Message: string }> = [];
  const metrics: string[] = [];
  const puts: string[] = [];
  const ctx: ReportContext = {
    ce,
    s3: {
      getObject: async ({ Key }) => {
        const o = objects.get(Key);
        if (!o) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
        return { Body: { transformToString: async () => o.body } };
      },
      putObject: async ({ Key, Body, ContentType }) => {
        puts.push(Key);
        objects.set(Key, { body: Body, contentType: ContentType });
        return {};
      },
    },
    sns: { publish: async (input) => void messages.push(input) },
    settings: { ...SETTINGS, ...settings },
    retry: { maxAttempts: 1 },
    log: () => undefined,
    emitMetric: (line) => void metrics.push(line),
    now: () => new Date(now),
    region: 'eu-west-1',
  };
  return { ctx, objects, messages, metrics, puts };
}
