/**
 * E-mail addresses as the export sends them: trimmed, lower-cased and in the usual addr-spec form
 * (local part of at most 64 characters without leading, trailing or doubled dots; a domain of
 * dot-separated labels). Anything else becomes a rejection before it reaches Iterable.
 */

const addressPattern =
  /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export function normalizeEmail(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const email = raw.trim().toLowerCase();
  if (email.length === 0 || email.length > 254) return undefined;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return undefined;
  const local = email.slice(0, at);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  return addressPattern.test(email) ? email : undefined;
}
