/**
 * Shared plumbing for the test-support checkers: turn a Stack, an App (or any Stage) or a
 * cloud assembly directory into the synthesized CloudFormation template files on disk.
 *
 * Synthesis goes through `Stage.synth()` without `force`, exactly as `Template.fromStack()`
 * does, so a test that calls both synthesizes once and sees the same templates.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Stack, Stage } from 'aws-cdk-lib';

/** What the checkers accept: a stack, an App/Stage, or a cloud assembly directory (or one template file). */
export type SynthTarget = Stack | Stage | string;

/**
 * The absolute paths of the synthesized template files of `target`:
 * - Stack: its template and those of the nested stacks beneath it;
 * - App/Stage: every `*.template.json` of its cloud assembly (nested stages and nested stacks included);
 * - string: a template file itself, or every `*.template.json` below that directory.
 */
export function templateFiles(target: SynthTarget): string[] {
  if (typeof target === 'string') {
    return templatesIn(path.resolve(target));
  }
  if (Stack.isStack(target)) {
    const stage = Stage.of(target);
    if (!stage) {
      throw new Error(`stack ${target.node.path} is not inside an App or Stage`);
    }
    const assembly = stage.synth();
    const stacks = [target, ...target.node.findAll().filter((c): c is Stack => c !== target && Stack.isStack(c))];
    return stacks.map((s) => path.join(assembly.directory, s.templateFile));
  }
  if (Stage.isStage(target)) {
    return templatesIn(target.synth().directory);
  }
  throw new Error('expected a Stack, an App/Stage or a cloud assembly directory');
}

/** Read and parse one template file. */
export function readTemplate(file: string): CfnTemplate {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
}

/** The part of a CloudFormation template the checkers look at. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResourceJson>;
  readonly [key: string]: unknown;
}

/** One resource of a template. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: unknown;
  readonly [key: string]: unknown;
}

function templatesIn(p: string): string[] {
  const st = fs.statSync(p);
  if (st.isFile()) return [p];
  const out: string[] = [];
  for (const entry of fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, entry.name);
    if (entry.isDirectory()) {
      // asset staging folders (Lambda bundles, ...) hold no templates; nested assemblies do
      if (!entry.name.startsWith('asset.')) out.push(...templatesIn(full));
    } else if (entry.name.endsWith('.template.json')) {
      out.push(full);
    }
  }
  return out;
}
