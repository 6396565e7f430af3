import { Annotations, Aws, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as bcm from 'aws-cdk-lib/aws-bcmdataexports';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  PARTITION_COLUMN, spendByAccountQuery, spendByPrincipalQuery, spendByPrincipalTagQuery, spendByTagQuery,
} from './athena-queries';
import {
  CurColumn, CUR2_TABLE, DEFAULT_COLUMNS, glueTypeOf, IAM_PRINCIPAL_COLUMN, RESOURCE_ID_COLUMN, TABLE_CONFIG,
} from './cur-columns';
import { CostAllocationTagSchema } from '../tags/cost-allocation-tag-schema';
import { createKey } from '../util/keys';
import { generateName, stableText } from '../util/names';
import { guardRegion } from '../util/region-guard';
import { createSecureBucket } from '../util/secure-bucket';
import { checkString, isToken, propError } from '../util/validation';

/**
 * The Data Exports API has one endpoint, in us-east-1: "The Data Exports API provides the following
 * endpoint: https://bcm-data-exports.us-east-1.api.aws" (the service documentation of the API model
 * bcm-data-exports 2023-11-26, as the SDKs publish it:
 * https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/bcmdataexports/aws.sdk.kotlin.services.bcmdataexports/-bcm-data-exports-client),
 * and the export ARNs the bucket policy names are `bcm-data-exports:us-east-1` ARNs
 * ({@link DATA_EXPORTS_BUCKET_DOC}). CloudFormation also registers the type in us-west-1, us-west-2
 * and eu-west-2 (util/region-guard.ts), but no AWS page says what an export made there is, so the
 * construct insists on us-east-1.
 */
export const DATA_EXPORTS_REGION = 'us-east-1';

/** AWS Data Exports: "Setting up an Amazon S3 bucket for data exports" (the bucket policy). */
export const DATA_EXPORTS_BUCKET_DOC = 'https://docs.aws.amazon.com/cur/latest/userguide/dataexports-s3-bucket.html';

/** The service principals that deliver exports ({@link DATA_EXPORTS_BUCKET_DOC}). */
export const DATA_EXPORTS_PRINCIPALS: readonly string[] = ['billingreports.amazonaws.com', 'bcm-data-exports.amazonaws.com'];

/** Athena partition projection (no crawler, no MSCK REPAIR): property names and the date type. */
export const PARTITION_PROJECTION_DOC = 'https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html';

/** Athena database, table and column names: lower case letters, digits and underscore. */
export const ATHENA_NAMES_DOC = 'https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html';

/** The file format of the export (`S3OutputConfigurations` Format + Compression, CloudFormation schema). */
export enum CurExportFormat {
  /** Parquet (Compression PARQUET): columnar, typed; the Glue table and Athena queries are made for it. */
  PARQUET = 'PARQUET',
  /** Text/CSV compressed with GZIP. No Glue table or named queries are made (maps are JSON text in CSV). */
  TEXT_OR_CSV = 'TEXT_OR_CSV',
}

/** The time granularity of the line items (CUR 2.0 table configuration TIME_GRANULARITY). */
export enum CurTimeGranularity {
  /** One line item per resource and hour. */
  HOURLY = 'HOURLY',
  /** One line item per resource and day. */
  DAILY = 'DAILY',
  /** One line item per resource and month. */
  MONTHLY = 'MONTHLY',
}

/** Properties of a {@link CostAndUsageExport}. */
export interface CostAndUsageExportProps {
  /**
   * The export's name (1–128 characters of `[0-9A-Za-z\-_]`). It is part of the data's S3 path
   * and CloudFormation replaces the export when it changes.
   * @default - generated from the construct's address and a hash of the table configurations and
   *   refresh cadence (the properties whose change replaces the export), so a replacement gets a new
   *   name instead of failing on the old one
   */
  readonly exportName?: string;

  /**
   * The export's description (at most 1,024 characters).
   * @default - a description naming the library
   */
  readonly description?: string;

  /**
   * The bucket the export is delivered to. Its policy must allow Data Exports to write (see
   * docs/cost-and-usage-export.md); the construct adds the statement when the bucket belongs to
   * this app, and warns otherwise.
   * @default - a bucket made by the library's secure-bucket recipe (SSE-KMS, versioned, SSL only)
   */
  readonly bucket?: s3.IBucket;

  /**
   * The S3 prefix of the export (without leading or trailing `/`). Data lands in
   * `<prefix>/<exportName>/data/BILLING_PERIOD=YYYY-MM/`.
   * @default 'cur2'
   */
  readonly prefix?: string;

  /**
   * The file format.
   * @default CurExportFormat.PARQUET
   */
  readonly format?: CurExportFormat;

  /**
   * Whether the export includes the caller identity (`line_item_iam_principal`, and the
   * `iamPrincipal/` tags in the `tags` column) of Amazon Bedrock calls.
   * @default true
   */
  readonly includeCallerIdentity?: boolean;

  /**
   * Whether line items are per resource (INCLUDE_RESOURCES, adds `line_item_resource_id`, the
   * application inference profile ARN for Bedrock).
   * @default true
   */
  readonly includeResources?: boolean;

  /**
   * The time granularity of the line items.
   * @default CurTimeGranularity.DAILY
   */
  readonly timeGranularity?: CurTimeGranularity;

  /**
   * Extra CUR 2.0 table configurations, merged over the construct's (e.g.
   * `{ INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'TRUE' }`, or a corrected caller-identity key). Keys and
   * values are passed as they are.
   * @default - none
   */
  readonly tableConfigurations?: { [key: string]: string };

  /**
   * The columns exported instead of the default chargeback columns. The resource ID and IAM
   * principal columns are still added when those options are on.
   * @default - bill period, payer and usage account, billing entity, product and service code,
   *   usage type, operation, line item type, usage start, usage amount, unblended and net unblended
   *   cost, currency, and the product, resource_tags, tags and cost_category maps
   */
  readonly columns?: CurColumn[];

  /**
   * Columns exported in addition to the others (names are not checked: the CUR 2.0 dictionary is
   * the reference).
   * @default - none
   */
  readonly additionalColumns?: CurColumn[];

  /**
   * The tag schema whose keys get a named query each (spend by resource tag and by IAM principal tag).
   * @default - no per-tag queries
   */
  readonly tagSchema?: CostAllocationTagSchema;

  /**
   * The Glue database name (lower case letters, digits, `_`; 1–255).
   * @default - generated from the construct's address
   */
  readonly databaseName?: string;

  /**
   * The Glue table name (lower case letters, digits, `_`; 1–255).
   * @default 'cost_and_usage'
   */
  readonly tableName?: string;

  /**
   * The first billing period (`YYYY-MM`) the table's partition projection covers.
   * @default '2025-01'
   */
  readonly firstBillingPeriod?: string;
}

/**
 * A CUR 2.0 export (AWS Data Exports) of the account's cost and usage to S3, in Parquet, with the
 * caller identity of Bedrock calls and resource IDs, and the Athena side to read it: a Glue
 * database and table with partition projection over the billing periods, an Athena workgroup that
 * encrypts results, and named chargeback queries (by cost allocation tag, by IAM principal and its
 * tags, by linked account) limited to Amazon Bedrock spend.
 *
 * Must be in a us-east-1 stack (the Data Exports API endpoint). In an organization, create it in
 * the management account to see every member account.
 *
 * @example
 * // in a us-east-1 stack of the management account
 * const lineItems = new CostAndUsageExport(this, 'Cur', { tagSchema: CostAllocationTagSchema.standard() });
 * // lineItems.databaseName, lineItems.tableName and lineItems.namedQueries are ready in Athena
 */
export class CostAndUsageExport extends Construct {
  /** The bucket the export is delivered to. */
  public readonly bucket: s3.IBucket;
  /** The export (L1). */
  public readonly cfnExport: bcm.CfnExport;
  /** The export's ARN. */
  public readonly exportArn: string;
  /** The export's name. */
  public readonly exportName: string;
  /** The S3 URI of the export's data folder (`s3://bucket/prefix/name/data/`). */
  public readonly dataLocation: string;
  /** The CUR 2.0 table configurations of the export. */
  public readonly tableConfigurations: { [key: string]: string };
  /** The query statement of the export. */
  public readonly queryStatement: string;
  /** The Glue database name (undefined for a CSV export). */
  public readonly databaseName?: string;
  /** The Glue table name (undefined for a CSV export). */
  public readonly tableName?: string;
  /** The Athena workgroup the named queries belong to (undefined for a CSV export). */
  public readonly workGroup?: athena.CfnWorkGroup;
  /** The named chargeback queries (empty for a CSV export). */
  public readonly namedQueries: athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: CostAndUsageExportProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const prefix = props.prefix ?? 'cur2';
    const format = props.format ?? CurExportFormat.PARQUET;
    const includeCallerIdentity = props.includeCallerIdentity ?? true;
    const includeResources = props.includeResources ?? true;
    this.validate(props, prefix);

    this.tableConfigurations = {
      [TABLE_CONFIG.timeGranularity]: props.timeGranularity ?? CurTimeGranularity.DAILY,
      [TABLE_CONFIG.includeResources]: includeResources ? 'TRUE' : 'FALSE',
      [TABLE_CONFIG.includeIamPrincipalData]: includeCallerIdentity ? 'TRUE' : 'FALSE',
      ...(props.tableConfigurations ?? {}),
    };
    const columns = exportColumns(props, includeResources, includeCallerIdentity);
    this.queryStatement = `SELECT ${columns.map((c) => c.name).join(', ')} FROM ${CUR2_TABLE}`;

    let key: kms.IKey | undefined;
    if (props.bucket) {
      this.bucket = props.bucket;
      key = props.bucket.encryptionKey;
    } else {
      const made = createSecureBucket(this, 'Bucket', { description: 'CUR 2.0 cost and usage exports and Athena query results' });
      this.bucket = made.bucket;
      key = made.encryptionKey;
      allowDeliveryWithKey(made.encryptionKey as kms.Key);
    }
    this.allowDelivery();

    // RefreshCadence and TableConfigurations are create-only (CloudFormation schema): hash them into
    // the generated name so a replacement does not collide with the export it replaces.
    const cadence = 'SYNCHRONOUS';
    const identity = JSON.stringify([cadence, Object.keys(this.tableConfigurations).sort()
      .map((k) => [stableText(k), stableText(this.tableConfigurations[k])])]);
    this.exportName = props.exportName ?? generateName(this, { maxLength: 128, identity, allowedSpecialCharacters: '-_' });

    this.cfnExport = new bcm.CfnExport(this, 'Resource', {
      export: {
        name: this.exportName,
        description: props.description ?? 'CUR 2.0 for Amazon Bedrock chargeback (cdk-bedrock-cost-governance)',
        dataQuery: { queryStatement: this.queryStatement, tableConfigurations: { [CUR2_TABLE]: this.tableConfigurations } },
        destinationConfigurations: {
          s3Destination: {
            s3Bucket: this.bucket.bucketName,
            s3Prefix: prefix,
            s3Region: this.bucket.env.region,
            s3OutputConfigurations: format === CurExportFormat.PARQUET
              ? { format: 'PARQUET', compression: 'PARQUET', outputType: 'CUSTOM', overwrite: 'OVERWRITE_REPORT' }
              : { format: 'TEXT_OR_CSV', compression: 'GZIP', outputType: 'CUSTOM', overwrite: 'OVERWRITE_REPORT' },
          },
        },
        // The only value the schema and the API model allow (FrequencyOption).
        refreshCadence: { frequency: cadence },
      },
    });
    const policy = this.bucket.policy;
    if (policy) this.cfnExport.node.addDependency(policy);
    guardRegion(this.cfnExport);
    this.requireDataExportsRegion();
    this.exportArn = this.cfnExport.attrExportArn;
    this.dataLocation = `s3://${this.bucket.bucketName}/${prefix}/${this.exportName}/data/`;

    this.namedQueries = [];
    if (format !== CurExportFormat.PARQUET) return;
    this.databaseName = props.databaseName
      ?? generateName(this, { maxLength: 255, allowedSpecialCharacters: '_' }).toLowerCase();
    this.tableName = props.tableName ?? 'cost_and_usage';
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: `CUR 2.0 export ${this.exportName}` },
    });
    const table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: `CUR 2.0 export ${this.exportName} (Parquet), partitioned by billing period`,
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          ...partitionProjection(this.dataLocation, props.firstBillingPeriod ?? '2025-01'),
        },
        partitionKeys: [{ name: PARTITION_COLUMN, type: 'string' }],
        storageDescriptor: {
          location: this.dataLocation,
          columns: columns.map((c) => ({ name: c.name, type: glueTypeOf(c) })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    table.addDependency(database);

    const resultsKey = key ?? createKey(this, 'ResultsKey', 'Encrypts Athena query results over the CUR 2.0 export');
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: generateName(this, { maxLength: 128, allowedSpecialCharacters: '-_' }),
      description: 'Chargeback queries over the CUR 2.0 export (Amazon Bedrock spend)',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: resultsKey.keyArn },
        },
      },
    });
    this.addQueries(props.tagSchema, includeCallerIdentity, table);
  }

  private addQueries(schema: CostAllocationTagSchema | undefined, callerIdentity: boolean, table: glue.CfnTable): void {
    const db = this.databaseName!;
    const tbl = this.tableName!;
    const add = (id: string, name: string, description: string, sql: string) => {
      const query = new athena.CfnNamedQuery(this, id, {
        name, description, database: db, queryString: sql, workGroup: this.workGroup!.ref,
      });
      query.addDependency(table);
      this.namedQueries.push(query);
    };
    add('SpendByAccount', 'bedrock-spend-by-linked-account', 'Amazon Bedrock spend by billing period and linked account', spendByAccountQuery(db, tbl));
    if (callerIdentity) {
      add('SpendByPrincipal', 'bedrock-spend-by-iam-principal', 'Amazon Bedrock spend by billing period and calling IAM principal', spendByPrincipalQuery(db, tbl));
    }
    for (const tagKey of schema?.tagKeys ?? []) {
      const safe = tagKey.replace(/[^A-Za-z0-9]/g, '');
      add(`SpendByTag${safe}`, `bedrock-spend-by-tag-${tagKey}`.slice(0, 128), `Amazon Bedrock spend by resource tag ${tagKey}`, spendByTagQuery(db, tbl, tagKey));
      if (callerIdentity) {
        add(`SpendByPrincipalTag${safe}`, `bedrock-spend-by-principal-tag-${tagKey}`.slice(0, 128), `Amazon Bedrock spend by IAM principal tag ${tagKey}`, spendByPrincipalTagQuery(db, tbl, tagKey));
      }
    }
  }

  /** The bucket policy statement of {@link DATA_EXPORTS_BUCKET_DOC}: both services, PutObject + GetBucketPolicy, source account and ARN. */
  private allowDelivery(): void {
    const result = this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EnableAWSDataExportsToWriteToS3AndCheckPolicy',
      principals: DATA_EXPORTS_PRINCIPALS.map((p) => new iam.ServicePrincipal(p)),
      actions: ['s3:PutObject', 's3:GetBucketPolicy'],
      resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
      conditions: deliveryConditions(this),
    }));
    if (!result.statementAdded) {
      Annotations.of(this).addWarningV2('cdk-bedrock-cost-governance:curBucketPolicy',
        `the bucket ${this.bucket.bucketName} is not managed by this app, so its policy was not changed: it must allow `
        + `${DATA_EXPORTS_PRINCIPALS.join(' and ')} s3:PutObject and s3:GetBucketPolicy (${DATA_EXPORTS_BUCKET_DOC}), `
        + 'and its encryption key (if SSE-KMS) must let them use it.');
    }
  }

  private validate(props: CostAndUsageExportProps, prefix: string): void {
    const check = (prop: string, value: string | undefined, min: number, max: number, pattern?: string) => {
      if (value === undefined) return;
      const problem = checkString(value, min, max, pattern);
      if (problem) throw propError(this, prop, problem);
    };
    // ExportName: 1–128, [0-9A-Za-z\-_]+ (CloudFormation schema and API model).
    check('exportName', props.exportName, 1, 128, '[0-9A-Za-z\\-_]+');
    check('description', props.description, 0, 1024);
    check('prefix', prefix, 1, 1024);
    if (!isToken(prefix) && (prefix.startsWith('/') || prefix.endsWith('/'))) {
      throw propError(this, 'prefix', `'${prefix}' must not start or end with '/' (the construct adds the separators)`);
    }
    check('databaseName', props.databaseName, 1, 255, '[a-z0-9_]+');
    check('tableName', props.tableName, 1, 255, '[a-z0-9_]+');
    check('firstBillingPeriod', props.firstBillingPeriod, 7, 7, '[0-9]{4}-(0[1-9]|1[0-2])');
  }

  private requireDataExportsRegion(): void {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region) || region === DATA_EXPORTS_REGION) return;
    throw new Error(`${this.node.path}: AWS Data Exports has one API endpoint, https://bcm-data-exports.${DATA_EXPORTS_REGION}.api.aws, `
      + `and exports are ${DATA_EXPORTS_REGION} resources; this stack deploys to ${region}: `
      + `put the export in a stack with env: { region: '${DATA_EXPORTS_REGION}' } (the bucket may stay elsewhere: pass it as bucket)`);
  }
}

/** The columns of the query statement and the Glue table, without duplicates. */
function exportColumns(props: CostAndUsageExportProps, includeResources: boolean, includeCallerIdentity: boolean): CurColumn[] {
  const all = [
    ...(props.columns ?? DEFAULT_COLUMNS),
    ...(includeResources ? [RESOURCE_ID_COLUMN] : []),
    ...(includeCallerIdentity ? [IAM_PRINCIPAL_COLUMN] : []),
    ...(props.additionalColumns ?? []),
  ];
  const seen = new Set<string>();
  return all.filter((c) => (seen.has(c.name) ? false : (seen.add(c.name), true)));
}

/**
 * `aws:SourceAccount` = this account and `aws:SourceArn` one of the CUR definitions or Data Exports
 * exports of this account, in us-east-1 ({@link DATA_EXPORTS_BUCKET_DOC}, StringLike as there).
 */
function deliveryConditions(scope: Construct): { [operator: string]: unknown } {
  const account = Stack.of(scope).account;
  return {
    StringLike: {
      'aws:SourceAccount': account,
      'aws:SourceArn': [
        `arn:${Aws.PARTITION}:cur:${DATA_EXPORTS_REGION}:${account}:definition/*`,
        `arn:${Aws.PARTITION}:bcm-data-exports:${DATA_EXPORTS_REGION}:${account}:export/*`,
      ],
    },
  };
}

/**
 * Lets the delivering services use the bucket's key through S3, with the bucket policy's source
 * conditions. NOT DOCUMENTED BY AWS: the bucket setup page ({@link DATA_EXPORTS_BUCKET_DOC}) has no
 * key policy and no AWS page found says whether Data Exports delivers to an SSE-KMS bucket with a
 * customer managed key; this is the statement AWS services that write to such buckets need
 * (GenerateDataKey to write, Decrypt for multipart uploads). See docs/cost-and-usage-export.md.
 */
function allowDeliveryWithKey(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowAWSDataExportsToEncryptDeliveries',
    principals: DATA_EXPORTS_PRINCIPALS.map((p) => new iam.ServicePrincipal(p)),
    actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    resources: ['*'],
    conditions: deliveryConditions(key),
  }));
}

/**
 * Partition projection over `BILLING_PERIOD=YYYY-MM` folders ({@link PARTITION_PROJECTION_DOC}):
 * a date-typed `billing_period` from the first period to NOW, one month apart.
 */
function partitionProjection(dataLocation: string, firstPeriod: string): { [key: string]: string } {
  const p = `projection.${PARTITION_COLUMN}`;
  return {
    'projection.enabled': 'true',
    [`${p}.type`]: 'date',
    [`${p}.format`]: 'yyyy-MM',
    [`${p}.range`]: `${firstPeriod},NOW`,
    [`${p}.interval`]: '1',
    [`${p}.interval.unit`]: 'MONTHS',
    'storage.location.template': `${dataLocation}BILLING_PERIOD=\${${PARTITION_COLUMN}}`,
  };
}
