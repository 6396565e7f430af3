import { CostExplorerClient, GetCostAndUsageCommand } from '@aws-sdk/client-cost-explorer';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { ReportContext, ReportOutcome, runReport } from './run';
import { settingsFromEnv } from './settings';
import { ReportEvent } from '../../src/contracts/chargeback-report';
import { jsonLogger } from '../shared/log';
import { retryOptionsFromEnv } from '../shared/retry';

// maxAttempts 1: shared/retry.ts is the one retry layer (bounded, jittered).
// Cost Explorer has one endpoint per partition (ce.us-east-1.amazonaws.com for aws): the SDK's
// endpoint rules send the request there whatever AWS_REGION is.
const ce = new CostExplorerClient({ maxAttempts: 1 });
const s3 = new S3Client({ maxAttempts: 1 });
const sns = new SNSClient({ maxAttempts: 1 });

let context: ReportContext | undefined;

function contextOf(): ReportContext {
  context ??= {
    ce: { getCostAndUsage: (input) => ce.send(new GetCostAndUsageCommand(input)) },
    s3: {
      getObject: (input) => s3.send(new GetObjectCommand(input)),
      putObject: (input) => s3.send(new PutObjectCommand(input)),
    },
    sns: { publish: (input) => sns.send(new PublishCommand(input)) },
    settings: settingsFromEnv(process.env),
    retry: retryOptionsFromEnv(process.env),
    log: jsonLogger,
    // embedded metric format: CloudWatch Logs reads the line whatever LOG_LEVEL says
    emitMetric: (line) => void process.stdout.write(`${line}\n`),
    now: () => new Date(),
    region: process.env.AWS_REGION,
  };
  return context;
}

/** Entry point: `{ period: 'previousMonth' | 'monthToDate' }` from the schedules, or `{ start, end }`. */
export async function handler(event: ReportEvent): Promise<ReportOutcome> {
  return runReport(event ?? {}, contextOf());
}
