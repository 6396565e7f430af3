import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  BudgetAlert, BudgetEnforcement, BudgetSpendType, BudgetThreshold, BudgetThresholdType, CostCenterBudget, EnforcementApproval,
  InferenceGeo, ModelSource, ModelSourceKind,
} from '../../src';
import { CostCenterTable, CostCenterTableFormat, CostCenterTableRow } from '../../src/governance';
import { ACCOUNT, importedProfile, newStack, onlyResource } from '../budgets/support';

const FIXTURES = join(__dirname, 'fixtures');
const YAML_FILE = join(FIXTURES, 'cost-centers.yaml');
const JSON_FILE = join(FIXTURES, 'cost-centers.json');
const CLAUDE = 'anthropic.claude-sonnet-4-5-20250929-v1:0';

/** A YAML table of one row `claims` with the given extra lines (indented as row fields). */
function oneRow(...fields: string[]): string {
  return ['schemaVersion: 1', 'costCenters:', '  - name: claims', '    tags: { dept: claims }', ...fields.map((f) => `    ${f}`)].join('\n');
}

function yamlError(text: string): string {
  try {
    CostCenterTable.fromString(text, CostCenterTableFormat.YAML);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the table to be refused');
}

function byName(rows: CostCenterTableRow[], name: string): CostCenterTableRow {
  return rows.find((r) => r.name === name)!;
}

/** What an enforcement was given (its options are private: read for the test only). */
function enforcementOptions(e: BudgetEnforcement | undefined): any {
  return (e as any).options;
}

describe('CostCenterTable: reading', () => {
  test('a YAML file: rows, defaults merged, model sources from strings', () => {
    const { stack } = newStack();
    const table = CostCenterTable.fromFile(YAML_FILE);
    expect(table.source).toBe(YAML_FILE);
    expect(table.schemaVersion).toBe(1);
    expect(CostCenterTable.SCHEMA_VERSION).toBe(1);
    expect(table.names).toEqual(['claims', 'underwriting', 'research']);
    expect(table.length).toBe(3);
    const rows = table.rows(stack);

    const claims = byName(rows, 'claims');
    expect(claims.tags).toEqual({ dept: 'claims' });
    expect(claims.description).toBe('Claims processing');
    // profiles merge by key: the default's chat plus the row's summarize
    expect(Object.keys(claims.profiles!)).toEqual(['chat', 'summarize']);
    expect(claims.profiles!.chat).toEqual(ModelSource.crossRegion(InferenceGeo.US, CLAUDE));
    expect(claims.profiles!.summarize).toEqual(ModelSource.foundationModel('amazon.nova-pro-v1:0'));
    expect(claims.monthlyBudget).toBe(5000);
    expect(claims.alerts).toEqual([
      BudgetAlert.at(BudgetThreshold.actual(80)), BudgetAlert.at(BudgetThreshold.forecasted(100)),
      BudgetAlert.at(BudgetThreshold.actualAmount(5000)), BudgetAlert.at(BudgetThreshold.forecastedAmount(6000)),
    ]);
    expect(claims.alerts!.map((a) => [a.threshold.spendType, a.threshold.thresholdType, a.threshold.value])).toEqual([
      [BudgetSpendType.ACTUAL, BudgetThresholdType.PERCENTAGE, 80], [BudgetSpendType.FORECASTED, BudgetThresholdType.PERCENTAGE, 100],
      [BudgetSpendType.ACTUAL, BudgetThresholdType.ABSOLUTE_VALUE, 5000], [BudgetSpendType.FORECASTED, BudgetThresholdType.ABSOLUTE_VALUE, 6000],
    ]);
    expect(claims.alertEmails).toEqual(['claims-lead@example.com']);
    expect(claims.accounts).toEqual(['111122223333']);
    expect(claims.regions).toEqual(['us-east-1', 'eu-west-1']); // replaces the default's
    const enforcement = enforcementOptions(claims.enforcement);
    expect(enforcement.threshold).toEqual(BudgetThreshold.actual(100));
    expect(enforcement.approval).toBe(EnforcementApproval.MANUAL);
    expect(claims.caps).toMatchObject({ monthlyUsd: 5500, dailyUsd: 400 });

    const underwriting = byName(rows, 'underwriting');
    expect(underwriting.monthlyBudget).toBe(1000); // inherited, with the default alerts
    expect(underwriting.alerts).toEqual([BudgetAlert.at(BudgetThreshold.actual(80)), BudgetAlert.at(BudgetThreshold.forecasted(100))]);
    expect(underwriting.profiles!.chat.geo).toBe(InferenceGeo.EU); // the row's source wins for a key both have
    expect(underwriting.profiles!.docs.geo).toBe(InferenceGeo.GLOBAL);
    expect(underwriting.regions).toEqual(['us-east-1']);
    expect(underwriting.enforcement).toBeUndefined();
    expect(underwriting.caps).toBeUndefined();
    expect(underwriting.accounts).toBeUndefined();
    expect(underwriting.description).toBeUndefined();

    const research = byName(rows, 'research');
    // null drops a default: no chat profile, no budget, hence none of the budget's inherited alerts
    expect(Object.keys(research.profiles!)).toEqual(['embed']);
    expect(research.profiles!.embed.kind).toBe(ModelSourceKind.FOUNDATION_MODEL);
    expect(research.profiles!.embed.modelId).toBe('amazon.titan-embed-text-v2:0');
    expect(research.monthlyBudget).toBeUndefined();
    expect(research.alerts).toBeUndefined();
    expect(research.regions).toEqual(['us-east-1']);
  });

  test('the same table in JSON and in YAML gives equal rows', () => {
    const { stack } = newStack();
    const fromYaml = CostCenterTable.fromFile(YAML_FILE);
    const fromJson = CostCenterTable.fromFile(JSON_FILE);
    expect(fromJson.names).toEqual(fromYaml.names);
    expect(fromJson.rows(stack)).toEqual(fromYaml.rows(stack));
  });

  test('fromString reads generated content; <string> names it unless a source is given', () => {
    const table = CostCenterTable.fromString(oneRow('monthlyBudget: 10'), CostCenterTableFormat.YAML);
    expect(table.source).toBe('<string>');
    expect(table.names).toEqual(['claims']);
    const json = CostCenterTable.fromString(JSON.stringify({ schemaVersion: 1, costCenters: [] }), CostCenterTableFormat.JSON, 'generated by tenants.ts');
    expect(json.source).toBe('generated by tenants.ts');
    expect(json.length).toBe(0);
    expect(() => CostCenterTable.fromString('{', CostCenterTableFormat.JSON, 'tenants')).toThrow(/^tenants:1:2: the table is not valid JSON/);
  });

  test('YAML anchors and merge keys', () => {
    const table = CostCenterTable.fromString([
      'schemaVersion: 1',
      'costCenters:',
      '  - &base { name: claims, tags: { dept: claims }, monthlyBudget: 100 }',
      '  - <<: *base',
      '    name: fraud',
      '    tags: { dept: fraud }',
    ].join('\n'), CostCenterTableFormat.YAML);
    const rows = table.rows(newStack().stack);
    expect(rows.map((r) => [r.name, r.monthlyBudget])).toEqual([['claims', 100], ['fraud', 100]]);
  });

  test('a generated file of 100 SaaS tenants', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-center-table-'));
    try {
      const lines = ['schemaVersion: 1', 'defaults:', '  profiles: { chat: us.amazon.nova-pro-v1:0 }', '  alerts: [{ forecasted: 100 }]', 'costCenters:'];
      for (let i = 0; i < 100; i++) {
        const tenant = `tenant-${String(i).padStart(3, '0')}`;
        lines.push(`  - name: ${tenant}`, `    tags: { tenant: ${tenant} }`, `    monthlyBudget: ${100 + i}`);
        if (i % 10 === 0) lines.push(`    caps: { dailyUsd: ${20 + i} }`);
      }
      const file = join(dir, 'tenants.yml');
      writeFileSync(file, lines.join('\n'));
      const table = CostCenterTable.fromFile(file);
      expect(table.length).toBe(100);
      expect(new Set(table.names).size).toBe(100);
      const rows = table.rows(newStack().stack);
      expect(rows[42]).toMatchObject({ name: 'tenant-042', tags: { tenant: 'tenant-042' }, monthlyBudget: 142 });
      expect(rows[42].profiles!.chat.identity).toBe(ModelSource.crossRegion(InferenceGeo.US, 'amazon.nova-pro-v1:0').identity);
      expect(rows[42].alerts).toEqual([BudgetAlert.at(BudgetThreshold.forecasted(100))]);
      expect(rows.filter((r) => r.caps !== undefined).map((r) => r.caps!.dailyUsd)).toEqual([20, 30, 40, 50, 60, 70, 80, 90, 100, 110]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CostCenterTable: roles bound to a scope', () => {
  test('each role is imported once per scope, immutable, with its name or ARN as id', () => {
    const { stack } = newStack();
    const table = CostCenterTable.fromFile(YAML_FILE);
    const claims = byName(table.rows(stack), 'claims');
    const roles: iam.IRole[] = enforcementOptions(claims.enforcement).roles;
    expect(roles.map((r) => r.node.path)).toEqual([
      'Stack/CostCenterTableRoles/claims-app', 'Stack/CostCenterTableRoles/arn:aws:iam::111122223333:role|batch|claims-batch',
    ]);
    expect(stack.resolve(roles[1].roleArn)).toBe('arn:aws:iam::111122223333:role/batch/claims-batch');
    expect(roles[1].roleName).toBe('claims-batch');
    expect(claims.caps!.roles![0]).toBe(roles[0]); // enforcement and caps name the same role
    // bound again (or another table with the same role): the same imports
    const again = byName(CostCenterTable.fromFile(JSON_FILE).rows(stack), 'claims');
    expect(enforcementOptions(again.enforcement).roles).toEqual(roles);
    expect(enforcementOptions(again.enforcement).roles[0]).toBe(roles[0]);
    // immutable: a grant adds no policy to the imported role
    roles[0].addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the enforcement of a row denies its roles in a CostCenterBudget', () => {
    const { stack } = newStack();
    const claims = byName(CostCenterTable.fromFile(YAML_FILE).rows(stack), 'claims');
    new CostCenterBudget(stack, 'Claims', {
      profiles: [importedProfile(stack, 'ClaimsChat', claims.tags)],
      limit: claims.monthlyBudget,
      alerts: claims.alerts,
      enforcement: claims.enforcement,
    });
    const template = Template.fromStack(stack);
    const action = onlyResource(template, 'AWS::Budgets::BudgetsAction');
    expect(action.Definition.IamActionDefinition.Roles).toEqual(['claims-app', 'claims-batch']);
    expect(action.ApprovalModel).toBe('MANUAL');
    expect(action.ActionThreshold).toEqual({ Type: 'PERCENTAGE', Value: 100 });
    const executionRole = Object.values(template.findResources('AWS::IAM::Role')).find((r: any) =>
      JSON.stringify(r).includes('AttachAndDetachTheDenyPolicyOnly')) as any;
    const statement = executionRole.Properties.Policies[0].PolicyDocument.Statement[0];
    expect(JSON.stringify(statement.Resource)).toContain(`:iam::${ACCOUNT}:role/claims-app`);
    expect(statement.Resource).toContain('arn:aws:iam::111122223333:role/batch/claims-batch');
  });
});

describe('CostCenterTable.fromRows', () => {
  test('rows from code, as given', () => {
    const { stack } = newStack();
    const role = iam.Role.fromRoleName(stack, 'R', 'claims-app');
    const enforcement = BudgetEnforcement.denyInvocation({ roles: [role] });
    const table = CostCenterTable.fromRows([
      { name: 'claims', tags: { dept: 'claims' }, monthlyBudget: 10, enforcement, regions: ['us-gov-west-1', 'cn-north-1'] },
      { name: 'fraud', tags: { dept: 'fraud' }, caps: { dailyUsd: 5, roles: [role] } },
    ]);
    expect(table.source).toBe('CostCenterTable.fromRows');
    expect(table.schemaVersion).toBe(CostCenterTable.SCHEMA_VERSION);
    expect(table.names).toEqual(['claims', 'fraud']);
    const rows = table.rows(stack);
    expect(rows[0].enforcement).toBe(enforcement);
    expect(rows[1].caps!.roles![0]).toBe(role);
  });

  test('duplicate names, account IDs and Region names are refused, all at once', () => {
    expect(() => CostCenterTable.fromRows([
      { name: 'claims', tags: { dept: 'claims' }, accounts: ['1234'] },
      { name: 'claims', tags: { dept: 'claims' }, regions: ['us-east1'] },
    ])).toThrow(new Error([
      'CostCenterTable.fromRows: 3 problems in the cost-center table:',
      '  CostCenterTable.fromRows: rows[0] (\'claims\').accounts[0] must be an account ID of 12 digits (got "1234")',
      '  CostCenterTable.fromRows: rows[1] (\'claims\').name \'claims\' is the name of rows[0] already: names are unique',
      '  CostCenterTable.fromRows: rows[1] (\'claims\').regions[0] must be a Region name such as \'us-east-1\' (got "us-east1")',
    ].join('\n')));
  });
});

describe('CostCenterTable: errors name the file, line, row and field', () => {
  test('a file that is neither JSON nor YAML', () => {
    expect(() => CostCenterTable.fromFile('config/cost-centers.txt'))
      .toThrow("CostCenterTable.fromFile: 'config/cost-centers.txt' must be a .json, .yaml or .yml file (the extension decides the format)");
  });

  test('an account ID YAML read as a number, leading zeros lost', () => {
    expect(yamlError(oneRow('accounts: [012345678901]'))).toBe("<string>:5:16: costCenters[0] ('claims').accounts[0] must be a string "
      + "(got 12345678901: quote it in YAML, with its leading zeros if it has any, e.g. '012345678901')");
  });

  test('a file with a byte order mark is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cost-center-table-'));
    try {
      const file = join(dir, 'bom.json');
      writeFileSync(file, '\uFEFF{ "schemaVersion": 1, "costCenters": [] }');
      expect(CostCenterTable.fromFile(file).length).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing file', () => {
    expect(() => CostCenterTable.fromFile(join(FIXTURES, 'missing.yaml'))).toThrow(/CostCenterTable\.fromFile: cannot read '.*missing\.yaml': ENOENT/);
  });

  test('every problem of a file, together, with its line and column', () => {
    const file = join(FIXTURES, 'invalid.yaml');
    expect(() => CostCenterTable.fromFile(file)).toThrow(new Error([
      `${file}: 4 problems in the cost-center table:`,
      `  ${file}:5:5: costCenters[0] ('claims').montlyBudget is not a field of a cost center (did you mean 'monthlyBudget'? `
        + 'fields: name, tags, description, profiles, monthlyBudget, alerts, alertEmails, enforcement, caps, accounts, regions)',
      `  ${file}:8:20: costCenters[1] ('underwriting').monthlyBudget must be a number greater than 0 (USD) (got "5000", a string: write the number without quotes)`,
      `  ${file}:9:16: costCenters[1] ('underwriting').accounts[0] must be a string (got 111122223333: quote it in YAML, with its leading zeros if it has any, `
        + "e.g. '111122223333')",
      `  ${file}:10:11: costCenters[2] ('claims').name 'claims' is the name of costCenters[0] already: names are unique in a table`,
    ].join('\n')));
  });

  test('YAML syntax errors give the line and column', () => {
    expect(yamlError('schemaVersion: 1\ncostCenters:\n  - name: [claims\n')).toMatch(/^<string>:4:1: the table is not valid YAML: /);
    expect(yamlError('schemaVersion: 1\nschemaVersion: 1\ncostCenters: []')).toMatch(/^<string>:2:1: the table is not valid YAML: Map keys must be unique/);
  });

  test('JSON syntax errors and duplicate keys give the line and column', () => {
    const err = (text: string) => () => CostCenterTable.fromString(text, CostCenterTableFormat.JSON, 'cc.json');
    expect(err('{\n  "schemaVersion": 1,\n}')).toThrow(/^cc\.json:3:1: the table is not valid JSON: /);
    expect(err('{\n  "schemaVersion": 1,\n  "schemaVersion": 2,\n  "costCenters": []\n}'))
      .toThrow('cc.json:3:3: the table repeats a key of its object (JSON.parse would silently keep the last one)');
    expect(err('{ "schemaVersion": 1, "costCenters": [{ "name": "a", "tags": { "k": "v" }, "monthlyBudget": "5" }] }'))
      .toThrow('cc.json:1:93: costCenters[0] (\'a\').monthlyBudget must be a number greater than 0 (USD) (got "5", a string: write the number without quotes)');
  });

  test.each([
    ['', '<string>: the table is empty: a table needs schemaVersion and costCenters'],
    ['- a', '<string>:1:1: the table must be a mapping with schemaVersion and costCenters (got a list)'],
    ['costCenters: []', '<string>:1:1: the table needs schemaVersion: 1 (the version of the file format)'],
    ['schemaVersion: "1"\ncostCenters: []', '<string>:1:16: schemaVersion must be the number 1 (got "1")'],
    ['schemaVersion: 2\ncostCenters: [{ whatever: 1 }]',
      '<string>:1:16: schemaVersion 2 is not a version this version of cdk-bedrock-cost-governance reads: it reads schemaVersion 1'],
    ['schemaVersion: 1', '<string>:1:1: the table needs costCenters: a list of cost centers (it may be empty)'],
    ['schemaVersion: 1\ncostcenters: []', [
      '<string>: 2 problems in the cost-center table:',
      '  <string>:1:1: the table needs costCenters: a list of cost centers (it may be empty)',
      "  <string>:2:1: costcenters is not a field of the table (did you mean 'costCenters'? fields: schemaVersion, defaults, costCenters)",
    ].join('\n')],
    ['schemaVersion: 1\ncostCenters: { claims: {} }', '<string>:2:14: costCenters must be a list of cost centers (got a mapping)'],
    ['schemaVersion: 1\ndefaults: { name: x }\ncostCenters: []',
      '<string>:2:13: defaults.name is not a field of defaults (fields: profiles, monthlyBudget, alerts, alertEmails, enforcement, caps, accounts, regions) '
        + '(name, tags, description belong to each row)'],
    ['schemaVersion: 1\ndefaults: { monthlyBudget: null }\ncostCenters: []',
      '<string>:2:28: defaults.monthlyBudget must not be null in defaults (null is for a row, to drop a default)'],
  ])('the table %j', (text, message) => {
    expect(yamlError(text)).toBe(message);
  });

  test.each([
    [['monthlyBudget: 0'], "<string>:5:20: costCenters[0] ('claims').monthlyBudget must be a number greater than 0 (USD) (got 0)"],
    [['monthlyBudget: 1e21'], "costCenters[0] ('claims').monthlyBudget must be an amount in USD written without an exponent (got 1e+21)"],
    [['profiles: { chat: xx.anthropic.claude-v1:0 }'],
      "<string>:5:23: costCenters[0] ('claims').profiles.chat is not a model source: 'xx.anthropic.claude-v1:0' starts with 'xx.', which is not a geography prefix"],
    [['profiles: { chat: 5 }'], "costCenters[0] ('claims').profiles.chat must be a model source string such as"],
    [['profiles: [us.amazon.nova-pro-v1:0]'], "costCenters[0] ('claims').profiles must be a mapping (got a list)"],
    [['monthlyBudget: 10', 'alerts: [{ actual: 80, forecasted: 100 }]'],
      "<string>:6:14: costCenters[0] ('claims').alerts[0] must have exactly one of actual, forecasted (% of the budget), actualUsd, forecastedUsd (USD) (got actual and forecasted)"],
    [['monthlyBudget: 10', 'alerts: [{ actul: 80 }]'], "<string>:6:16: costCenters[0] ('claims').alerts[0].actul is not a field of an alert (did you mean 'actual'?"],
    [['monthlyBudget: 10', 'alerts: [{ actual: 0 }]'], "costCenters[0] ('claims').alerts[0].actual must be a number from 0.1 to 1000000 (% of the budget) (got 0)"],
    [['monthlyBudget: 10', `alerts: [${Array(11).fill('{ actual: 80 }').join(', ')}]`],
      "costCenters[0] ('claims').alerts must hold at most 10 alerts, as AWS Budgets allows (got 11)"],
    [['monthlyBudget: 10', 'alertEmails: [claims-lead]'], "costCenters[0] ('claims').alertEmails[0] must be an email address (got \"claims-lead\")"],
    [['monthlyBudget: 10', 'enforcement: { threshold: { actual: 100 } }'],
      "costCenters[0] ('claims').enforcement needs denyRoles: the roles (names or ARNs, of the budget's account) denied invocation when the budget is exceeded"],
    [['monthlyBudget: 10', "enforcement: { denyRoles: ['claims app'] }"], "costCenters[0] ('claims').enforcement.denyRoles[0] must be a role name"],
    [['monthlyBudget: 10', 'enforcement: { denyRoles: [] }'], "costCenters[0] ('claims').enforcement.denyRoles must hold at least one of the role names or ARNs"],
    [['monthlyBudget: 10', 'enforcement: { denyRoles: [a, a] }'], "costCenters[0] ('claims').enforcement.denyRoles[1] repeats denyRoles[0] (\"a\")"],
    [['monthlyBudget: 10', 'enforcement: { denyRoles: [a], approval: auto }'],
      "costCenters[0] ('claims').enforcement.approval must be 'automatic' or 'manual' (got \"auto\")"],
    [['enforcement: { denyRoles: [a] }'],
      "<string>:5:18: costCenters[0] ('claims').enforcement needs monthlyBudget (in the row or in defaults): alerts, alertEmails and enforcement belong to the budget"],
    [['caps: { monthlyUsd: 400, dailyUsd: 500 }'], "<string>:5:11: costCenters[0] ('claims').caps: dailyUsd (500) exceeds monthlyUsd (400)"],
    [['caps: { denyRoles: [a] }'], "costCenters[0] ('claims').caps: give monthlyUsd, dailyUsd or both"],
    [['caps: { monthlyUSD: 400 }'], "costCenters[0] ('claims').caps.monthlyUSD is not a field of caps (did you mean 'monthlyUsd'?"],
    [["accounts: ['1234']"], "costCenters[0] ('claims').accounts[0] must be an account ID of 12 digits (got \"1234\")"],
    [["accounts: ['111122223333', '111122223333']"], "costCenters[0] ('claims').accounts[1] repeats accounts[0] (\"111122223333\")"],
    [['regions: [us-east1]'], "<string>:5:15: costCenters[0] ('claims').regions[0] must be a Region name such as 'us-east-1'"],
    [['regions: us-east-1'], "costCenters[0] ('claims').regions must be a list of Region names (got \"us-east-1\")"],
    [['description: 5'], "costCenters[0] ('claims').description must be a non-empty string (got 5)"],
  ])('the row field %j', (fields, message) => {
    expect(yamlError(oneRow(...fields))).toContain(message);
  });

  test.each([
    ['  - tags: { dept: claims }', '<string>:3:5: costCenters[0].name is required'],
    ['  - name: claims', "<string>:3:5: costCenters[0] ('claims').tags is required"],
    ['  - { name: claims, tags: { cost: 100 } }', "<string>:3:35: costCenters[0] ('claims').tags.cost must be a string (got 100: quote it in YAML)"],
    ["  - { name: 'claims center', tags: { dept: claims } }", "<string>:3:5: costCenters[0] ('claims center'): name 'claims center' must match"],
    ['  - { name: claims, tags: {} }', "costCenters[0] ('claims'): tags must hold at least one tag"],
    ['  - claims', '<string>:3:5: costCenters[0] must be a mapping (got "claims")'],
  ])('the row %j', (row, message) => {
    expect(yamlError(`schemaVersion: 1\ncostCenters:\n${row}`)).toContain(message);
  });

  test('at most 50 problems are listed, the rest counted', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `  - { name: t${i}, tags: { t: t${i} }, monthlyBudget: "1" }`);
    const message = yamlError(`schemaVersion: 1\ncostCenters:\n${rows.join('\n')}`);
    expect(message.split('\n')[0]).toBe('<string>: 60 problems in the cost-center table:');
    expect(message.split('\n')).toHaveLength(52);
    expect(message).toMatch(/\n {2}… and 10 more$/);
  });
});
