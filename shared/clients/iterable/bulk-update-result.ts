import type { BulkUpdateFailure, BulkUpdateResponse, BulkUpdateResult } from './iterable-schemas';

const EMAIL_KIND = /Emails$/;

/**
 * Flattens every `failedUpdates.…Emails` kind into `{email, reason}` rows, the reason being the
 * kind's name. The deprecated top-level `invalidEmails` lists every failed e-mail whatever the
 * kind, so it only adds e-mails no kind named (reason `invalidEmails`, as older answers meant).
 * An e-mail is reported once, under the first kind that names it. `…UserIds` kinds are skipped:
 * this app identifies users by e-mail only.
 */
export function toBulkUpdateResult(response: BulkUpdateResponse): BulkUpdateResult {
  const failures: BulkUpdateFailure[] = [];
  const seen = new Set<string>();
  const add = (emails: unknown, reason: string) => {
    if (!Array.isArray(emails)) return;
    for (const email of emails) {
      if (typeof email !== 'string' || seen.has(email)) continue;
      seen.add(email);
      failures.push({ email, reason });
    }
  };
  for (const [kind, emails] of Object.entries(response.failedUpdates ?? {})) {
    if (EMAIL_KIND.test(kind)) add(emails, kind);
  }
  add(response.invalidEmails, 'invalidEmails');
  return { successCount: response.successCount, failCount: response.failCount, failures };
}
