import { registerApiDocs } from '../shared/app/register-api-docs';

// In the package this file is bundled into dist/app/index.js, beside the page's files.
registerApiDocs(__dirname);
