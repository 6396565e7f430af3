/**
 * Custom resource properties as CloudFormation delivers them to the handler: intrinsics resolved
 * (pseudo parameters, `Fn::Join`, `Fn::GetAtt` / `Ref` of other resources through `attributes`)
 * and every scalar turned into a string (`true` → 'true', `3` → '3'), which is how CloudFormation
 * passes custom resource properties
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html).
 */
export interface DeliveryContext {
  readonly partition?: string;
  readonly region?: string;
  readonly accountId?: string;
  /** values of `Ref` / `Fn::GetAtt` of other resources, keyed `Logical` or `Logical.Attribute` */
  readonly attributes?: Record<string, string>;
}

export function delivered(value: unknown, ctx: DeliveryContext = {}): unknown {
  const pseudo: Record<string, string> = {
    'AWS::Partition': ctx.partition ?? 'aws',
    'AWS::Region': ctx.region ?? 'us-east-1',
    'AWS::AccountId': ctx.accountId ?? '123456789012',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const walk = (v: unknown): unknown => {
    if (v === null || v === undefined) return v;
    if (typeof v === 'boolean' || typeof v === 'number') return String(v);
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(walk);
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'Ref') {
      const name = obj.Ref as string;
      const resolved = pseudo[name] ?? ctx.attributes?.[name];
      if (resolved === undefined) throw new Error(`no value for Ref ${name}`);
      return resolved;
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
      const [logical, attribute] = obj['Fn::GetAtt'] as [string, string];
      const attr = ctx.attributes?.[`${logical}.${attribute}`];
      if (attr === undefined) throw new Error(`no value for Fn::GetAtt ${logical}.${attribute}`);
      return attr;
    }
    if (keys.length === 1 && keys[0] === 'Fn::Join') {
      const [sep, parts] = obj['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(walk(p))).join(sep);
    }
    if (keys.some((k) => k.startsWith('Fn::'))) throw new Error(`unsupported intrinsic ${keys.join(',')}`);
    return Object.fromEntries(keys.map((k) => [k, walk(obj[k])]));
  };
  return walk(value);
}

/** The properties of a custom resource of a template as its handler receives them (ServiceToken included, as CloudFormation sends it). */
export function deliveredProperties(resource: { Properties?: Record<string, unknown> }, ctx: DeliveryContext = {}): Record<string, unknown> {
  const props = { ...(resource.Properties ?? {}) };
  // the service token is a Lambda ARN read with Fn::GetAtt: stand in for it
  props.ServiceToken = 'arn:aws:lambda:us-east-1:123456789012:function:provider';
  return delivered(props, ctx) as Record<string, unknown>;
}
