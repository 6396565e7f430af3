import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { createKey } from './keys';
import { acknowledgeNagFinding } from './nag-acknowledgement';

/** How the library makes a bucket of its own (reports, cost and usage exports). */
export interface SecureBucketOptions {
  /** What the bucket holds, for the key's description. */
  readonly description: string;
  /** The key that encrypts the objects. @default - a new key with rotation enabled */
  readonly encryptionKey?: kms.IKey;
  /** Where S3 writes the bucket's server access logs. @default - no access logs (acknowledged) */
  readonly serverAccessLogsBucket?: s3.IBucket;
  /** The prefix of the access logs in `serverAccessLogsBucket`. @default - none */
  readonly serverAccessLogsPrefix?: string;
  /** How long replaced and deleted object versions are kept. @default Duration.days(90) */
  readonly noncurrentVersionExpiration?: Duration;
}

/** A bucket with its encryption key. */
export interface SecureBucket {
  readonly bucket: s3.Bucket;
  readonly encryptionKey: kms.IKey;
}

/** How long an incomplete multipart upload may stay (its parts are billed until then). */
const ABORT_INCOMPLETE_UPLOADS_AFTER = Duration.days(7);

/**
 * A bucket as every bucket of the library is made: SSE-KMS with a customer managed key and an S3
 * Bucket Key (CT.S3.PR.10 wants a KMS key; the Bucket Key cuts KMS requests), S3 Block Public
 * Access on all four settings (CT.S3.PR.1), ACLs disabled (BucketOwnerEnforced), SSL-only (a
 * bucket policy denying aws:SecureTransport false, cdk-nag S10), versioning (CT.S3.PR.11 — a report
 * overwritten by a rerun can be recovered), a lifecycle configuration (CT.S3.PR.3) that expires
 * noncurrent versions and aborts incomplete multipart uploads, and optional server access logs
 * (CT.S3.PR.2, cdk-nag S1). The bucket is retained when the stack is deleted (the default of
 * s3.Bucket): it holds financial records.
 *
 * Two AWS Control Tower proactive controls are left to the bucket's owner, who passes a bucket of
 * their own to have them: CT.S3.PR.4 (event notifications configured — nothing of the library
 * consumes them) and CT.S3.PR.9 (S3 Object Lock — a retention mode is a records-management
 * decision, and it stops noncurrent versions from expiring).
 */
export function createSecureBucket(scope: Construct, id: string, options: SecureBucketOptions): SecureBucket {
  const encryptionKey = options.encryptionKey ?? createKey(scope, `${id}Key`, `Encrypts ${options.description}`);
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey,
    bucketKeyEnabled: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{
      id: 'ExpireOldVersions',
      noncurrentVersionExpiration: options.noncurrentVersionExpiration ?? Duration.days(90),
      abortIncompleteMultipartUploadAfter: ABORT_INCOMPLETE_UPLOADS_AFTER,
    }],
    ...(options.serverAccessLogsBucket
      ? { serverAccessLogsBucket: options.serverAccessLogsBucket, serverAccessLogsPrefix: options.serverAccessLogsPrefix }
      : {}),
  });
  if (!options.serverAccessLogsBucket) {
    acknowledgeNagFinding(bucket, 'AwsSolutions-S1',
      `The bucket holds ${options.description}, written by AWS services or the library's function and read by people with access to the account; `
      + 'CloudTrail data events can record object access. Pass serverAccessLogsBucket to turn on server access logs.');
  }
  return { bucket, encryptionKey };
}
