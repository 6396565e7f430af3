/**
 * What the npm package ships: the pre-bundled handlers (consumers need neither Docker nor
 * esbuild), and none of the sources of handlers, tests, examples or test output.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';

test('the npm package ships the handler bundles and leaves sources and test output out', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
  });
  const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(['assets/lambda/chargeback-report/index.js', 'assets/lambda/profile-provider/index.js', 'assets/lambda/profile-resolver/index.js',
    'assets/lambda/tag-activator/index.js', 'README.md', 'LICENSE']));
  const forbidden = files.filter((f) => /^(lambda|test|examples|bench|src|rosetta|\.tmp|\.ci|cdk\.out|docs\/images)\//.test(f) || f === '.jsii.tabl.json');
  expect(forbidden).toEqual([]);
});
