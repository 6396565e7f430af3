import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CostAndUsageExport, CostAndUsageExportProps, CurExportFormat } from '../../src/reporting';
import { CostAllocationTagSchema } from '../../src/tags/cost-allocation-tag-schema';
import { expectSchemaValid } from '../support/cfn-schema';
import { controlTowerFindings } from '../support/control-tower';
import { expectNagClean } from '../support/nag';

const ENV = { account: '123456789012', region: 'us-east-1' };

function make(props: CostAndUsageExportProps = {}, region = 'us-east-1'): { stack: Stack; cur: CostAndUsageExport } {
  const stack = new Stack(new App(), 'Billing', { env: { ...ENV, region } });
  const cur = new CostAndUsageExport(stack, 'Cur', props);
  return { stack, cur };
}

function exportProps(stack: Stack): any {
  const exports = Template.fromStack(stack).findResources('AWS::BCMDataExports::Export');
  const [only] = Object.values(exports);
  return (only as any).Properties.Export;
}

function queries(stack: Stack): { [name: string]: string } {
  const out: { [name: string]: string } = {};
  for (const r of Object.values(Template.fromStack(stack).findResources('AWS::Athena::NamedQuery'))) {
    out[(r as any).Properties.Name] = (r as any).Properties.QueryString;
  }
  return out;
}

const BEDROCK_FILTER = "(line_item_product_code IN ('AmazonBedrock', 'AmazonBedrockService', 'AmazonBedrockFoundationModels')"
  + " OR (bill_billing_entity = 'AWS Marketplace' AND product['product_name'] LIKE '%(Amazon Bedrock Edition)'))";

describe('CostAndUsageExport: the export', () => {
  test('CUR 2.0 query with every chargeback column, caller identity and resources', () => {
    const { stack, cur } = make();
    const e = exportProps(stack);
    const sql: string = e.DataQuery.QueryStatement;
    expect(sql).toMatch(/^SELECT .* FROM COST_AND_USAGE_REPORT$/);
    const selected = sql.replace(/^SELECT /, '').replace(/ FROM COST_AND_USAGE_REPORT$/, '').split(', ');
    for (const column of [
      'bill_billing_period_start_date', 'bill_payer_account_id', 'bill_billing_entity', 'line_item_usage_account_id',
      'line_item_product_code', 'product_servicecode', 'line_item_usage_type', 'line_item_operation', 'line_item_line_item_type',
      'line_item_unblended_cost', 'line_item_net_unblended_cost', 'line_item_usage_amount', 'line_item_resource_id',
      'resource_tags', 'tags', 'cost_category', 'product', 'line_item_iam_principal',
    ]) expect(selected).toContain(column);
    expect(new Set(selected).size).toBe(selected.length);
    expect(e.DataQuery.TableConfigurations).toEqual({
      COST_AND_USAGE_REPORT: { TIME_GRANULARITY: 'DAILY', INCLUDE_RESOURCES: 'TRUE', INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE' },
    });
    expect(cur.queryStatement).toBe(sql);
  });

  test('Parquet, overwritten, synchronous, delivered to the bucket in its Region under the prefix', () => {
    const { stack } = make();
    const e = exportProps(stack);
    expect(e.RefreshCadence).toEqual({ Frequency: 'SYNCHRONOUS' });
    expect(e.DestinationConfigurations.S3Destination).toEqual({
      S3Bucket: { Ref: expect.stringMatching(/^CurBucket/) },
      S3Prefix: 'cur2',
      S3Region: 'us-east-1',
      S3OutputConfigurations: { Format: 'PARQUET', Compression: 'PARQUET', OutputType: 'CUSTOM', Overwrite: 'OVERWRITE_REPORT' },
    });
    expect(e.Name).toMatch(/^[0-9A-Za-z\-_]{1,128}$/);
  });

  test('text/CSV gzip: no Glue table, no queries', () => {
    const { stack, cur } = make({ format: CurExportFormat.TEXT_OR_CSV });
    expect(exportProps(stack).DestinationConfigurations.S3Destination.S3OutputConfigurations)
      .toEqual({ Format: 'TEXT_OR_CSV', Compression: 'GZIP', OutputType: 'CUSTOM', Overwrite: 'OVERWRITE_REPORT' });
    Template.fromStack(stack).resourceCountIs('AWS::Glue::Table', 0);
    expect(cur.namedQueries).toEqual([]);
    expect(cur.tableName).toBeUndefined();
  });

  test('caller identity and resources off: configurations FALSE and the columns left out', () => {
    const { stack } = make({ includeCallerIdentity: false, includeResources: false });
    const e = exportProps(stack);
    expect(e.DataQuery.TableConfigurations.COST_AND_USAGE_REPORT).toMatchObject({ INCLUDE_RESOURCES: 'FALSE', INCLUDE_IAM_PRINCIPAL_DATA: 'FALSE' });
    expect(e.DataQuery.QueryStatement).not.toContain('line_item_iam_principal');
    expect(e.DataQuery.QueryStatement).not.toContain('line_item_resource_id');
    expect(Object.keys(queries(stack))).not.toContain('bedrock-spend-by-iam-principal');
  });

  test('overrides: table configurations merged over the defaults, columns replaced and extended', () => {
    const { stack } = make({
      tableConfigurations: { INCLUDE_CALLER_IDENTITY: 'TRUE', INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'TRUE', TIME_GRANULARITY: 'HOURLY' },
      columns: [{ name: 'line_item_usage_account_id' }, { name: 'line_item_unblended_cost', glueType: 'double' }],
      additionalColumns: [{ name: 'pricing_term' }, { name: 'line_item_usage_account_id' }],
    });
    const e = exportProps(stack);
    expect(e.DataQuery.TableConfigurations.COST_AND_USAGE_REPORT).toEqual({
      TIME_GRANULARITY: 'HOURLY',
      INCLUDE_RESOURCES: 'TRUE',
      INCLUDE_IAM_PRINCIPAL_DATA: 'TRUE',
      INCLUDE_CALLER_IDENTITY: 'TRUE',
      INCLUDE_SPLIT_COST_ALLOCATION_DATA: 'TRUE',
    });
    expect(e.DataQuery.QueryStatement).toBe('SELECT line_item_usage_account_id, line_item_unblended_cost, line_item_resource_id, '
      + 'line_item_iam_principal, pricing_term FROM COST_AND_USAGE_REPORT');
  });

  test('the generated name survives innocent changes and follows the create-only properties', () => {
    const name = (props: CostAndUsageExportProps) => exportProps(make(props).stack).Name;
    const base = name({});
    expect(name({ description: 'other', prefix: 'x', additionalColumns: [{ name: 'pricing_term' }] })).toBe(base);
    expect(name({ includeCallerIdentity: false })).not.toBe(base);
    expect(name({ tableConfigurations: { TIME_GRANULARITY: 'MONTHLY' } })).not.toBe(base);
    expect(name({ exportName: 'my-cur_2' })).toBe('my-cur_2');
  });
});

describe('CostAndUsageExport: bucket and key policies', () => {
  const sourceConditions = {
    StringLike: {
      'aws:SourceAccount': '123456789012',
      'aws:SourceArn': [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cur:us-east-1:123456789012:definition/*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bcm-data-exports:us-east-1:123456789012:export/*']] },
      ],
    },
  };

  test('the bucket policy of "Setting up an Amazon S3 bucket for data exports"', () => {
    const { stack } = make();
    Template.fromStack(stack).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'EnableAWSDataExportsToWriteToS3AndCheckPolicy',
          Effect: 'Allow',
          Principal: { Service: ['billingreports.amazonaws.com', 'bcm-data-exports.amazonaws.com'] },
          Action: ['s3:PutObject', 's3:GetBucketPolicy'],
          Resource: [
            { 'Fn::GetAtt': [Match.stringLikeRegexp('CurBucket'), 'Arn'] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('CurBucket'), 'Arn'] }, '/*']] },
          ],
          Condition: sourceConditions,
        }]),
      },
    });
    // the export waits for the policy (Data Exports checks it at creation)
    const exp = Object.values(Template.fromStack(stack).findResources('AWS::BCMDataExports::Export'))[0] as any;
    expect(exp.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/CurBucketPolicy/)]));
  });

  test('the key lets both services encrypt deliveries, with the same source conditions', () => {
    const { stack } = make();
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'AllowAWSDataExportsToEncryptDeliveries',
          Effect: 'Allow',
          Principal: { Service: ['billingreports.amazonaws.com', 'bcm-data-exports.amazonaws.com'] },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
          Condition: sourceConditions,
        }]),
      },
    });
  });

  test('a bucket of this app gets the statement; a bucket from elsewhere gets a warning', () => {
    const stack = new Stack(new App(), 'Billing', { env: ENV });
    const own = new s3.Bucket(stack, 'Own');
    new CostAndUsageExport(stack, 'Cur', { bucket: own, prefix: 'billing/cur' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('Own') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EnableAWSDataExportsToWriteToS3AndCheckPolicy' })]) },
    });
    expect(exportProps(stack).DestinationConfigurations.S3Destination.S3Prefix).toBe('billing/cur');

    const other = new Stack(new App(), 'Other', { env: ENV });
    new CostAndUsageExport(other, 'Cur', { bucket: s3.Bucket.fromBucketName(other, 'Imported', 'central-billing') });
    Annotations.fromStack(other).hasWarning('/Other/Cur', Match.stringLikeRegexp('central-billing is not managed by this app'));
  });
});

describe('CostAndUsageExport: Athena', () => {
  test('Glue table over the data folder, typed columns, billing_period projected from the BILLING_PERIOD folders', () => {
    const { stack, cur } = make({ firstBillingPeriod: '2024-06' });
    const location = { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('CurBucket') }, `/cur2/${cur.exportName}/data/`]] };
    Template.fromStack(stack).hasResourceProperties('AWS::Glue::Table', {
      DatabaseName: cur.databaseName,
      TableInput: {
        Name: 'cost_and_usage',
        TableType: 'EXTERNAL_TABLE',
        PartitionKeys: [{ Name: 'billing_period', Type: 'string' }],
        Parameters: {
          'classification': 'parquet',
          'projection.enabled': 'true',
          'projection.billing_period.type': 'date',
          'projection.billing_period.format': 'yyyy-MM',
          'projection.billing_period.range': '2024-06,NOW',
          'projection.billing_period.interval': '1',
          'projection.billing_period.interval.unit': 'MONTHS',
          'storage.location.template': { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('CurBucket') }, `/cur2/${cur.exportName}/data/BILLING_PERIOD=\${billing_period}`]] },
        },
        StorageDescriptor: Match.objectLike({
          Location: location,
          Columns: Match.arrayWith([
            { Name: 'bill_billing_period_start_date', Type: 'timestamp' },
            { Name: 'line_item_usage_amount', Type: 'double' },
            { Name: 'line_item_unblended_cost', Type: 'double' },
            { Name: 'line_item_net_unblended_cost', Type: 'double' },
            { Name: 'resource_tags', Type: 'map<string,string>' },
            { Name: 'tags', Type: 'map<string,string>' },
            { Name: 'cost_category', Type: 'map<string,string>' },
            { Name: 'line_item_iam_principal', Type: 'string' },
          ]),
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        }),
      },
    });
    expect(cur.databaseName).toMatch(/^[a-z0-9_]+$/);
  });

  test('the workgroup enforces SSE-KMS results in the bucket', () => {
    const { stack } = make();
    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('CurBucket') }, '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('CurBucketKey'), 'Arn'] } },
        },
      },
    });
  });

  test('named queries: by linked account, IAM principal, and per schema key by resource tag and principal tag, Bedrock only', () => {
    const { stack, cur } = make({ tagSchema: new CostAllocationTagSchema({ keys: [{ key: 'dept', required: true }, { key: 'cost-center' }] }) });
    const q = queries(stack);
    expect(Object.keys(q).sort()).toEqual([
      'bedrock-spend-by-iam-principal', 'bedrock-spend-by-linked-account',
      'bedrock-spend-by-principal-tag-cost-center', 'bedrock-spend-by-principal-tag-dept',
      'bedrock-spend-by-tag-cost-center', 'bedrock-spend-by-tag-dept',
    ]);
    const from = `FROM "${cur.databaseName}"."cost_and_usage"`;
    for (const sql of Object.values(q)) {
      expect(sql).toContain(from);
      expect(sql).toContain(`WHERE ${BEDROCK_FILTER}`);
      expect(sql).toContain('SUM(line_item_unblended_cost) AS unblended_cost');
      expect(sql).toMatch(/^SELECT\n {2}billing_period,/);
    }
    expect(q['bedrock-spend-by-linked-account']).toContain('line_item_usage_account_id AS "line_item_usage_account_id"');
    expect(q['bedrock-spend-by-iam-principal']).toContain('line_item_iam_principal AS "line_item_iam_principal"');
    expect(q['bedrock-spend-by-tag-dept']).toContain('tags[\'resourceTags/dept\'] AS "dept"');
    expect(q['bedrock-spend-by-tag-cost-center']).toContain('tags[\'resourceTags/cost-center\'] AS "cost-center"');
    expect(q['bedrock-spend-by-principal-tag-dept']).toContain('tags[\'iamPrincipal/dept\'] AS "principal_dept"');
    Template.fromStack(stack).hasResourceProperties('AWS::Athena::NamedQuery', {
      Database: cur.databaseName, WorkGroup: { Ref: Match.stringLikeRegexp('CurWorkGroup') },
    });
  });
});

describe('CostAndUsageExport: Regions', () => {
  test('a Region without the CloudFormation type fails in the region guard', () => {
    expect(() => make({}, 'eu-west-1')).toThrow(/Billing\/Cur\/Resource: AWS::BCMDataExports::Export exists only in us-east-1/);
  });

  test('a Region with the type but not the Data Exports API is refused too', () => {
    expect(() => make({}, 'us-west-2')).toThrow(
      'Billing/Cur: AWS Data Exports has one API endpoint, https://bcm-data-exports.us-east-1.api.aws, and exports are us-east-1 '
      + "resources; this stack deploys to us-west-2: put the export in a stack with env: { region: 'us-east-1' } "
      + '(the bucket may stay elsewhere: pass it as bucket)');
  });

  test('an environment-agnostic stack synthesizes with the region guard\'s warning', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new CostAndUsageExport(stack, 'Cur');
    Annotations.fromStack(stack).hasWarning('/Agnostic/Cur/Resource', Match.stringLikeRegexp('not known at synth'));
  });
});

describe('CostAndUsageExport: validation', () => {
  test.each([
    [{ exportName: 'bad name' }, "Billing/Cur: exportName 'bad name' must match [0-9A-Za-z\\-_]+ (1–128 chars)"],
    [{ exportName: 'x'.repeat(129) }, 'Billing/Cur: exportName must be 1–128 characters long (got 129)'],
    [{ prefix: '/cur' }, "Billing/Cur: prefix '/cur' must not start or end with '/' (the construct adds the separators)"],
    [{ prefix: '' }, 'Billing/Cur: prefix must be 1–1024 characters long (got 0)'],
    [{ databaseName: 'Cur-DB' }, "Billing/Cur: databaseName 'Cur-DB' must match [a-z0-9_]+ (1–255 chars)"],
    [{ tableName: 'Cur' }, "Billing/Cur: tableName 'Cur' must match [a-z0-9_]+ (1–255 chars)"],
    [{ firstBillingPeriod: '2025-13' }, "Billing/Cur: firstBillingPeriod '2025-13' must match [0-9]{4}-(0[1-9]|1[0-2]) (7–7 chars)"],
    [{ description: 'd'.repeat(1025) }, 'Billing/Cur: description must be 0–1024 characters long (got 1025)'],
  ] as Array<[CostAndUsageExportProps, string]>)('%j', (props, message) => {
    expect(() => make(props)).toThrow(message);
  });

  test('tokens are not judged', () => {
    const stack = new Stack(new App(), 'Billing', { env: ENV });
    const { CfnParameter } = jest.requireActual('aws-cdk-lib');
    const p = new CfnParameter(stack, 'Name', { type: 'String' });
    expect(() => new CostAndUsageExport(stack, 'Cur', { exportName: p.valueAsString, prefix: p.valueAsString })).not.toThrow();
  });
});

describe('CostAndUsageExport: compliance', () => {
  test('valid against the CloudFormation schemas and cdk-nag clean', () => {
    const { stack } = make({ tagSchema: CostAllocationTagSchema.standard() });
    expectSchemaValid(stack);
    expectNagClean(stack);
  });

  // The secure bucket leaves CT.S3.PR.2 (access logs, without a log bucket), CT.S3.PR.4 (event
  // notifications) and CT.S3.PR.9 (Object Lock) to the bucket's owner: see util/secure-bucket.ts.
  test('Control Tower: only the secure bucket\'s documented findings', () => {
    const { stack } = make();
    expect(controlTowerFindings(stack).map((f) => f.controlId).sort()).toEqual(['CT.S3.PR.2', 'CT.S3.PR.4', 'CT.S3.PR.9']);
  });
});
