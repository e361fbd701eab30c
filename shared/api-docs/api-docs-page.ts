/**
 * The API reference page: Swagger UI reading this API's own OpenAPI document. Every URL in it is
 * relative to the page, so it works under any route prefix and behind a gateway that rewrites
 * the host; its Content-Security-Policy lets the browser load nothing from anywhere else.
 */

/** Where the page's own files are, relative to the page (`/api/docs` or `/api/docs/`). */
function filesBase(pathname: string): { files: string; api: string } {
  return pathname.endsWith('/') ? { files: './', api: '../' } : { files: 'docs/', api: './' };
}

/** Keeps a cached copy of an old Swagger UI from living on after an upgrade. */
function versioned(url: string, version: string): string {
  return `${url}?v=${encodeURIComponent(version)}`;
}

/** `swaggerUiVersion` is any text that changes with Swagger UI's files (a hash of them). */
export function apiDocsPage(pathname: string, swaggerUiVersion: string): string {
  const { files, api } = filesBase(pathname);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>iterable-segment-export API reference</title>
    <link rel="stylesheet" href="${versioned(`${files}swagger-ui.css`, swaggerUiVersion)}" />
    <link rel="icon" type="image/png" href="${files}favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui" data-openapi="${api}openapi.json"></div>
    <script src="${versioned(`${files}swagger-ui-bundle.js`, swaggerUiVersion)}"></script>
    <script src="${files}init.js"></script>
  </body>
</html>
`;
}

/**
 * Starts Swagger UI on the document. No validator badge (Swagger UI would otherwise send the
 * document's address to an outside validator), and "Try it out" sends requests with the token
 * given under Authorize, which the page keeps for the tab only.
 */
export const apiDocsInitScript = `(() => {
  const root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    domNode: root,
    deepLinking: true,
    displayOperationId: true,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    docExpansion: 'list',
    filter: true,
    tryItOutEnabled: false,
    validatorUrl: null,
    withCredentials: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
})();
`;

/** Scripts and styles from the app alone; inline styles are Swagger UI's own. */
export const apiDocsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
