import { getSettings } from '../shared/settings';

// Read every setting when the app loads, so a missing or malformed one stops start-up with its
// name instead of failing the first request that needs it.
getSettings();
