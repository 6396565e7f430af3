import { IApplicationInferenceProfile } from '../profiles/profile-base';
import { CostCenter } from '../tags/cost-center';

/** A cost center and the application inference profiles its spend goes through. */
export interface CostCenterProfiles {
  /** The cost center: its name titles the dashboard section, its tags filter the Cost Explorer link. */
  readonly costCenter: CostCenter;

  /** Its profiles (at least one). A profile belongs to one cost center only. */
  readonly profiles: IApplicationInferenceProfile[];
}
