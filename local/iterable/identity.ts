import type { Project, StoredUser } from './store';

/*
 * Identifier rules. The spec names the failure kinds but not Iterable's exact validation, so these
 * follow the field descriptions: e-mails in the usual addr-spec form, userIds "empty, too long, or
 * containing non-ASCII or non-printable characters or a trailing space" are invalid.
 */

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;
const MAX_USER_ID_LENGTH = 512;

export function isValidEmail(email: string): boolean {
  if (email.length > 254) return false;
  const at = email.lastIndexOf('@');
  if (at < 1 || at > 64) return false;
  const local = email.slice(0, at);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  return EMAIL.test(email);
}

export function isValidUserId(userId: string): boolean {
  return (
    userId.length > 0 &&
    userId.length <= MAX_USER_ID_LENGTH &&
    !userId.endsWith(' ') &&
    PRINTABLE_ASCII.test(userId)
  );
}

/** The failure kinds of the spec's `FailedUserUpdates`, each with an e-mail and a userId list. */
export type FailureKind = 'invalid' | 'notFound' | 'forgotten' | 'conflict' | 'invalidData';

export interface FailedUserUpdates {
  conflictEmails: string[];
  conflictUserIds: string[];
  forgottenEmails: string[];
  forgottenUserIds: string[];
  invalidDataEmails: string[];
  invalidDataUserIds: string[];
  invalidEmails: string[];
  invalidUserIds: string[];
  notFoundEmails: string[];
  notFoundUserIds: string[];
}

/** The request's way of naming a user (null means absent), reported back verbatim on failure. */
export interface RequestedIdentity {
  email?: string | null | undefined;
  userId?: string | null | undefined;
}

/** `byEmail`: whether the entry is identified, and so reported, by its e-mail. */
export type Resolution =
  | { kind: 'existing'; key: string; user: StoredUser; byEmail: boolean }
  | { kind: 'new'; key: string; byEmail: true }
  | { kind: 'failed'; failure: FailureKind; byEmail: boolean };

function failed(failure: FailureKind, byEmail: boolean): Resolution {
  return { kind: 'failed', failure, byEmail };
}

/**
 * Finds the user a subscriber entry names. E-mail wins when both are given; the userId then must
 * not belong to someone else (conflictUserIds) and must not replace the user's own (conflictEmails).
 */
export function resolveUser(project: Project, who: RequestedIdentity): Resolution {
  const email = who.email ?? undefined;
  const userId = who.userId ?? undefined;
  if (email === undefined) return resolveByUserId(project, userId);
  if (!isValidEmail(email)) return failed('invalid', true);
  const key = email.toLowerCase();
  if (project.forgotten.has(key)) return failed('forgotten', true);
  const user = project.users.get(key);
  if (userId !== undefined) {
    if (!isValidUserId(userId)) return failed('invalid', false);
    const owner = project.userKeyByUserId.get(userId);
    if (owner !== undefined && owner !== key) return failed('conflict', false);
    if (user?.userId !== undefined && user.userId !== userId) return failed('conflict', true);
  }
  return user
    ? { kind: 'existing', key, user, byEmail: true }
    : { kind: 'new', key, byEmail: true };
}

function resolveByUserId(project: Project, userId: string | undefined): Resolution {
  if (userId === undefined || !isValidUserId(userId)) return failed('invalid', false);
  const key = project.userKeyByUserId.get(userId);
  const user = key === undefined ? undefined : project.users.get(key);
  // Creating profiles that have only a userId is not modelled: the product identifies by e-mail.
  if (key === undefined || !user) return failed('notFound', false);
  return { kind: 'existing', key, user, byEmail: false };
}

/** Collects failures into the spec's shape plus the deprecated top-level lists. */
export class FailureCollector {
  readonly failedUpdates: FailedUserUpdates = {
    conflictEmails: [],
    conflictUserIds: [],
    forgottenEmails: [],
    forgottenUserIds: [],
    invalidDataEmails: [],
    invalidDataUserIds: [],
    invalidEmails: [],
    invalidUserIds: [],
    notFoundEmails: [],
    notFoundUserIds: [],
  };
  /** Deprecated `invalidEmails`: "email addresses of users that failed to update", any kind. */
  readonly allFailedEmails: string[] = [];
  readonly allFailedUserIds: string[] = [];
  count = 0;

  add(failure: FailureKind, who: RequestedIdentity, byEmail: boolean): void {
    this.count += 1;
    const email = who.email ?? undefined;
    const userId = who.userId ?? undefined;
    if (byEmail && email !== undefined) {
      this.failedUpdates[`${failure}Emails`].push(email);
      this.allFailedEmails.push(email);
    } else if (userId !== undefined) {
      this.failedUpdates[`${failure}UserIds`].push(userId);
      this.allFailedUserIds.push(userId);
    }
  }
}
