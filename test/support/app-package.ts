/**
 * The folder of this test run's copy of the deployment package (made by the global setup from
 * out/functionapp/): the script root of every host that runs the app, so the tests exercise
 * exactly what a deploy uploads.
 */
export function appPackageRoot(): string {
  const root = process.env.APP_PACKAGE_ROOT;
  if (!root)
    throw new Error('APP_PACKAGE_ROOT is not set: the Jest global setup copies the package');
  return root;
}
