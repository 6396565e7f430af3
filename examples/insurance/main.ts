/**
 * The main job: synthesizes the insurance example into cdk.out and prints, per stack (and per
 * nested stack, indented under its parent), its resources by type.  Run with `npx projen example:insurance`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildInsuranceApp } from './app';

type Template = { Resources?: Record<string, { Type: string; Metadata?: Record<string, unknown> }> };

const { app } = buildInsuranceApp(process.env.CDK_OUTDIR ?? 'cdk.out');
const assembly = app.synth();

function print(name: string, templateFile: string, indent: string): void {
  const template = JSON.parse(fs.readFileSync(path.join(assembly.directory, templateFile), 'utf8')) as Template;
  const resources = Object.values(template.Resources ?? {});
  const byType = new Map<string, number>();
  for (const r of resources) byType.set(r.Type, (byType.get(r.Type) ?? 0) + 1);
  console.log(`${indent}${name} — ${resources.length} resources → ${path.join(assembly.directory, templateFile)}`);
  for (const [type, count] of [...byType.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${indent}  ${String(count).padStart(3)}  ${type}`);
  }
  // nested stacks: their templates are assets of the parent, named in the resource's metadata
  for (const r of resources.filter((x) => x.Type === 'AWS::CloudFormation::Stack')) {
    const file = r.Metadata?.['aws:asset:path'];
    if (typeof file === 'string') print(String(r.Metadata?.['aws:cdk:path'] ?? file), file, `${indent}    `);
  }
}

for (const stack of assembly.stacks) print(`${stack.stackName} (${stack.environment.region})`, stack.templateFile, '');
