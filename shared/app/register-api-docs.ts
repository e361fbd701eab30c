import path from 'node:path';
import { apiDocsFolderName } from '../api-docs/api-docs-files';
import { apiDocsOperations } from '../api-docs/api-docs-operations';
import { registerOperations } from './register-operations';

/** Registers the API reference page; `appFolder` is the bundled app's, beside the page's files. */
export function registerApiDocs(appFolder: string): void {
  registerOperations(apiDocsOperations(path.join(appFolder, apiDocsFolderName)));
}
