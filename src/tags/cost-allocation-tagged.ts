import { IConstruct } from 'constructs';

/**
 * A construct that carries cost allocation tags — what the tag policy inspects. Declared in the
 * tags layer so that it does not depend on the constructs that implement it (profiles).
 */
export interface ICostAllocationTagged extends IConstruct {
  /**
   * The construct's tags as they will be deployed. For constructs made by this library this
   * includes tags applied with `Tags.of(scope)`, so read it lazily (at validation or in a
   * `Lazy` value): aspects add those tags during synthesis.
   */
  readonly costAllocationTags: { [key: string]: string };
}
