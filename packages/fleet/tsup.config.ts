import { sessionhubBuild } from '../../tsup.base';

export default sessionhubBuild();
