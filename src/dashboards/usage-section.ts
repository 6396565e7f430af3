import { TokenPrice } from '../models/model-pricing';
import { IApplicationInferenceProfile } from '../profiles/profile-base';

/** A profile as the usage dashboard shows it (internal). */
export interface ProfileEntry {
  readonly profile: IApplicationInferenceProfile;
  /** Short human label (the construct id). */
  readonly label: string;
  /** Its price; undefined when cost is not shown. */
  readonly price?: TokenPrice;
}

/** A part of the usage dashboard: a cost center, or one profile that belongs to none (internal). */
export interface UsageSection {
  readonly title: string;
  readonly profiles: ProfileEntry[];
  /** Markdown of the section's header (may hold a lazy value). */
  readonly markdown: string;
  /** The header as it reads now, to estimate its size when `markdown` is lazy. */
  readonly markdownEstimate?: string;
}
