import type { RpcHttpCookie } from './core-types';

const sameSiteNames: Partial<Record<string, string>> = {
  lax: 'lax',
  strict: 'strict',
  explicitNone: 'none',
};

/**
 * One Set-Cookie header value for a cookie the library returned (`rpc.cookies`), in the form the
 * real host writes through ASP.NET Core's `Response.Cookies.Append`: the value URI-escaped
 * (Uri.EscapeDataString), then expires, max-age, domain, path, secure, samesite and httponly.
 * The library sends SameSite "none" when the app set none, and "explicitNone" for `'None'`.
 */
export function formatSetCookie(cookie: RpcHttpCookie): string | undefined {
  if (!cookie.name) return undefined;
  const parts = [`${cookie.name}=${escapeDataString(cookie.value ?? '')}`];
  const expires = cookie.expires?.value?.seconds;
  if (typeof expires === 'number') parts.push(`expires=${new Date(expires * 1000).toUTCString()}`);
  const maxAge = cookie.maxAge?.value;
  if (typeof maxAge === 'number') parts.push(`max-age=${Math.trunc(maxAge)}`);
  if (cookie.domain?.value) parts.push(`domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`path=${cookie.path.value}`);
  if (cookie.secure?.value) parts.push('secure');
  const sameSite = cookie.sameSite ? sameSiteNames[cookie.sameSite] : undefined;
  if (sameSite) parts.push(`samesite=${sameSite}`);
  if (cookie.httpOnly?.value) parts.push('httponly');
  return parts.join('; ');
}

/** .NET's Uri.EscapeDataString: only RFC 3986 unreserved characters stay as they are. */
function escapeDataString(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
