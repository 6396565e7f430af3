import { awscdk, javascript, JsonFile, TextFile } from 'projen';

// The floor of the peer range: cdk-nag 3 needs ^2.257.0, and integ-runner 2.197.x reads cloud
// assembly schema 53 only (aws-cdk-lib >= 2.258.0 writes 54) — see ../shared/SETUP-NOTES.md.
const CDK_VERSION = '2.257.0';

/** The handlers bundled at library build time (lambda/<name>/index.ts → assets/lambda/<name>/index.js). */
const HANDLERS = ['chargeback-report', 'invocation-logging', 'profile-batch', 'profile-provider', 'profile-resolver', 'spend-meter', 'tag-activator', 'account-vending-hook', 'asset-replication'];

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-bedrock-cost-governance',
  description:
    'AWS CDK constructs that give every cost center its own tagged Amazon Bedrock application inference profile, then see, cap and charge back what each spends.',
  author: 'cdk-bedrock-cost-governance maintainers',
  authorAddress: 'maintainers@example.com',
  repositoryUrl: 'https://github.com/cdk-bedrock-cost-governance/cdk-bedrock-cost-governance.git',
  license: 'Apache-2.0',
  keywords: ['cdk', 'aws-cdk', 'bedrock', 'cost', 'finops', 'chargeback', 'inference-profile', 'budgets'],
  stability: 'experimental',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  minNodeVersion: '20.0.0',

  cdkVersion: CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  // jsii targets: the build machines cannot package them (no PyPI/Maven/.NET/Go), but jsii
  // compile checks that the API is usable from every one of these languages.
  publishToPypi: { distName: 'cdk-bedrock-cost-governance', module: 'cdk_bedrock_cost_governance' },
  publishToMaven: {
    javaPackage: 'io.github.cdkbedrockcostgovernance',
    mavenGroupId: 'io.github.cdk-bedrock-cost-governance',
    mavenArtifactId: 'cdk-bedrock-cost-governance',
  },
  publishToNuget: { dotNetNamespace: 'CdkBedrockCostGovernance', packageId: 'CdkBedrockCostGovernance' },
  publishToGo: { moduleName: 'github.com/cdk-bedrock-cost-governance/cdk-bedrock-cost-governance-go' },

  // cdk-nag: CostAttributionChecks extends cdk-nag's NagPack, and a jsii assembly loads every module
  // it declares, so a separate entry point could not keep it optional: a peer dependency (the
  // version range cdk-nag 3 itself needs of aws-cdk-lib) — docs/nag.md gives the reasons.
  peerDeps: ['cdk-nag@^3.0.2'],
  // the cost-center table file (CostCenterTable.fromFile) in YAML: a complete YAML 1.2 parser with
  // no dependencies of its own, bundled so that jsii users of every language get it with the library
  bundledDeps: ['yaml@^2.9.1'],
  devDeps: [
    // handler SDK clients: bundled into assets/ at build time, never runtime deps of the library
    '@aws-sdk/client-bedrock@^3',
    '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-cost-explorer@^3',
    '@aws-sdk/client-iam@^3',
    '@aws-sdk/client-organizations@^3',
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/client-resource-groups-tagging-api@^3',
    '@aws-sdk/client-ssm@^3',
    '@aws-sdk/client-sts@^3',
    '@aws-sdk/client-s3@^3',
    '@aws-sdk/client-sns@^3',
    '@types/aws-lambda@^8',
    'esbuild@^0.28',
    // tests
    'aws-sdk-client-mock@^4.1.0',
    'ajv@^8',
    // the spend meter's ledger against a real DynamoDB implementation
    'dynalite@^3',
    // the chargeback report's CSV read by a real RFC 4180 parser, its SVG by a strict XML parser
    'csv-parse@^6',
    'fast-xml-parser@^5',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    // integ tests: integ-runner 2.197.x reads cloud assembly schema 53 (aws-cdk-lib 2.257), offline snapshot checks
    '@aws-cdk/integ-runner@2.197.10',
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
  ],
  jestOptions: {
    jestVersion: '^30',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
      // Handler tests drive the real AWS SDK clients against local HTTP fakes and dynalite (hundreds of
      // requests in some tests). Jest's 5 s default failed one of them on CI's two shared cores; speed
      // is measured in bench/, not asserted by a test's timeout.
      testTimeout: 60_000,
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'examples', 'bench', '.projenrc.ts', 'projenrc'],
  },
  gitignore: ['/assets/', 'cdk.out/', '/bench/results/*.json', '.tmp/', '.jsii.tabl.json', '/test/integ/*.snapshot/asset.*'],
  npmignoreEnabled: true,
  // docs/images: screenshots for the README on GitHub, not for the package
  npmIgnoreOptions: { ignorePatterns: ['/lambda/', '/examples/', '/bench/', 'cdk.out/', '/.ci/', 'tsconfig.dev.json', '/.tmp/', '/rosetta/', '.jsii.tabl.json', '/docs/images/'] },
  githubOptions: { mergify: false },
  pullRequestTemplate: false,
});

// ts-jest 29 accepts TypeScript < 7 only; jsii 6 compiles with ~6.0.
project.addDevDeps('ts-jest@^29.4.15', '@types/jest@^30');

// ---- contracts: the one source a construct and its handler share (src/contracts/README.md) ----
// Handlers import nothing from src/ but src/contracts; a contract imports no other part of src/.
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      { target: './lambda', from: './src', except: ['./contracts'], message: 'handlers import only src/contracts from src/' },
      { target: './src/contracts', from: './src', except: ['./contracts'], message: 'contracts are dependency-free' },
    ],
  }],
});

// ---- handler bundling (assets/ is built, gitignored and shipped in the npm package) ----
const bundle = project.addTask('bundle', { description: 'Bundle the Lambda handlers into assets/ with esbuild' });
for (const name of HANDLERS) {
  bundle.exec(
    [
      'esbuild',
      `lambda/${name}/index.ts`,
      '--bundle',
      '--platform=node',
      '--target=node22',
      '--format=cjs',
      '--minify',
      '--keep-names',
      `--outfile=assets/lambda/${name}/index.js`,
    ].join(' '),
  );
}
project.preCompileTask.spawn(bundle);

// ---- type-check of everything jsii does not compile (test/, lambda/, examples/, bench/) ----
new JsonFile(project, 'tsconfig.dev.json', {
  obj: {
    extends: './tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '.', noUnusedLocals: true, noUnusedParameters: true },
    include: ['src/**/*.ts', 'test/**/*.ts', 'lambda/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
    exclude: ['node_modules', 'cdk.out'],
  },
});
new JsonFile(project, 'lambda/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
  },
});
for (const dir of ['examples', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts', '../src/**/*.ts'],
    },
  });
}
const typecheck = project.addTask('typecheck', {
  description: 'Type-check test/, lambda/, examples/ and bench/ (ts-jest and esbuild only transpile)',
  exec: 'tsc --noEmit -p tsconfig.dev.json',
});

// integ tests (test/integ/integ.*.ts): `integ:update` records snapshots offline (a real deploy
// with assertions runs with `integ-runner` and AWS credentials); the test task verifies them.
const integArgs = '--directory test/integ --language typescript --app "ts-node --transpile-only {filePath}"';
project.addTask('integ:update', {
  description: 'Record the integ test snapshots offline (dry run)',
  exec: `integ-runner ${integArgs} --update-on-failed --dry-run`,
});
const integ = project.addTask('integ', {
  description: 'Verify the integ test snapshots (offline: templates and assertions must match what is recorded)',
  exec: `integ-runner ${integArgs}`,
});

// the test task must work on a fresh clone by itself: bundle first, then type-check, then jest
project.testTask.prependSpawn(typecheck);
project.testTask.prependSpawn(bundle);
project.testTask.spawn(integ);

// ---- README examples are compiled by jsii-rosetta ----
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile the README examples with jsii-rosetta (strict)',
  exec: 'jsii-rosetta extract --strict --fail',
});
project.postCompileTask.spawn(rosetta);

// ---- the main job: synthesize the insurance example and print a summary ----
const example = project.addTask('example:insurance', {
  description: 'Synthesize examples/insurance into cdk.out and print the resources of each stack by type',
});
example.spawn(bundle);
example.exec('ts-node --transpile-only --project examples/tsconfig.json examples/insurance/main.ts');

project.addTask('bench', {
  description: 'Run the benchmarks in bench/ and print their results table',
  exec: 'node -r ts-node/register/transpile-only bench/run.ts',
});

// ---- API.md: jsii-docgen prints static methods without their return type (and no `| undefined`
// for optional returns); projenrc/api-return-types.ts adds them from the .jsii assembly ----
project.tasks.tryFind('docgen')?.exec('ts-node --transpile-only --project projenrc/tsconfig.json projenrc/api-return-types.ts API.md .jsii');

new TextFile(project, '.ci/run', {
  lines: [
    '#!/usr/bin/env bash',
    '# CI entry point: install exactly what the lockfile says, then run the README\'s test command.',
    'set -euo pipefail',
    'cd "$(dirname "$0")/.."',
    'npm ci',
    'npx projen build',
  ],
  executable: true,
});

project.synth();
