import { accessSync, constants } from 'node:fs';

/**
 * Where the browser tests find Chromium: `CHROMIUM_PATH`, else Debian's and Ubuntu's usual places.
 * Playwright's own browser download is not used; the system's Chromium is.
 */
const knownPaths = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium'];

export const chromiumInstallHelp = [
  'npm run test:browser needs Chromium, and none was found.',
  '  Debian:          apt-get update && apt-get install -y chromium   (as root, or with sudo)',
  '  Ubuntu:          apt-get install -y chromium-browser',
  '  Anywhere else:   set CHROMIUM_PATH to a Chromium or Chrome executable.',
].join('\n');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.CHROMIUM_PATH;
  if (chosen) return isExecutable(chosen) ? chosen : undefined;
  return knownPaths.find(isExecutable);
}

if (require.main === module) {
  const found = findChromium();
  if (found) {
    process.stdout.write(`Chromium: ${found}\n`);
  } else {
    process.stderr.write(`${chromiumInstallHelp}\n`);
    process.exit(1);
  }
}
