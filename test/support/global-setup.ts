import { copyAppPackage } from '../../local/app-package';
import { startAzurite } from '../../local/azurite';

/**
 * One Azurite for the whole run, on random ports so runs never collide; tests read its connection
 * string from AzureWebJobsStorage and keep apart by using their own queue, table and container names.
 * One copy of the deployment package outside the repository, which every host of the run loads
 * (its folder in APP_PACKAGE_ROOT; see test/support/app-package.ts).
 */
export default async function globalSetup(): Promise<void> {
  const appPackage = copyAppPackage();
  process.env.APP_PACKAGE_ROOT = appPackage.root;
  const azurite = await startAzurite({ blob: 0, queue: 0, table: 0 });
  process.env.AzureWebJobsStorage = azurite.connectionString;
  Object.assign(globalThis, { __azurite: azurite, __appPackage: appPackage });
}
