/**
 * A geography of system-defined cross-Region inference profiles: the prefix of their IDs
 * (`us.`, `eu.`, `apac.`, `jp.`, `au.`, `us-gov.`, `global.`).
 *
 * An open set: AWS adds geographies, so `InferenceGeo.of('xx')` builds one the library does not
 * know yet.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
export class InferenceGeo {
  /** United States (`us.`) */
  public static readonly US = new InferenceGeo('us');
  /** Europe (`eu.`) */
  public static readonly EU = new InferenceGeo('eu');
  /** Asia Pacific (`apac.`) */
  public static readonly APAC = new InferenceGeo('apac');
  /** Japan (`jp.`) */
  public static readonly JP = new InferenceGeo('jp');
  /** Australia (`au.`) */
  public static readonly AU = new InferenceGeo('au');
  /** AWS GovCloud (US) (`us-gov.`) */
  public static readonly US_GOV = new InferenceGeo('us-gov');
  /** Global cross-Region inference: any commercial Region (`global.`) */
  public static readonly GLOBAL = new InferenceGeo('global');

  /**
   * A geography by its ID prefix, for geographies added after this version of the library.
   * @param prefix the prefix without the dot, e.g. `ca`
   */
  public static of(prefix: string): InferenceGeo {
    if (!InferenceGeo.PREFIX.test(prefix)) {
      throw new Error(`InferenceGeo.of: prefix '${prefix}' must match ${InferenceGeo.PREFIX.source} (lowercase letters and '-', no dot)`);
    }
    return new InferenceGeo(prefix);
  }

  /** True when `prefix` names one of the geographies above (used to catch `us.` model IDs given as foundation models). */
  public static isKnownPrefix(prefix: string): boolean {
    return ['us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'global', 'ca'].includes(prefix);
  }

  private static readonly PREFIX = /^[a-z][a-z-]{0,15}$/;

  /** The prefix of the system-defined profile IDs of this geography, without the dot. */
  public readonly prefix: string;

  private constructor(prefix: string) {
    this.prefix = prefix;
  }

  /** True for the GLOBAL geography, whose foundation-model ARNs may carry no Region. */
  public get isGlobal(): boolean {
    return this.prefix === 'global';
  }
}
