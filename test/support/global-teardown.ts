import type { AppPackageCopy } from '../../local/app-package';
import type { Azurite } from '../../local/azurite';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis as { __azurite?: Azurite; __appPackage?: AppPackageCopy };
  await state.__azurite?.stop();
  state.__appPackage?.remove();
}
