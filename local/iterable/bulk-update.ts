import { FailureCollector, resolveUser } from './identity';
import type { FailedUserUpdates, Resolution } from './identity';
import type { OptionalApiUser, SubscribeRequest, UnsubscribeRequest } from './schemas';
import type { ChannelUnsubscribe, FieldType, Project, StoredList, StoredUser } from './store';

/**
 * The spec's `UserBulkUpdateListResponse`. Partial failures are still HTTP 200: callers must read
 * `failCount` and `failedUpdates`.
 */
export interface UserBulkUpdateListResponse {
  successCount: number;
  failCount: number;
  failedUpdates: FailedUserUpdates;
  /** Deprecated in the spec, still sent by Iterable. */
  invalidEmails: string[];
  invalidUserIds: string[];
  createdFields: string[];
  filteredOutFields: string[];
}

function respond(
  successCount: number,
  failures: FailureCollector,
  createdFields: string[],
): UserBulkUpdateListResponse {
  return {
    successCount,
    failCount: failures.count,
    failedUpdates: failures.failedUpdates,
    invalidEmails: failures.allFailedEmails,
    invalidUserIds: failures.allFailedUserIds,
    createdFields,
    // The modelled project adds unrecognized fields, so nothing is ever filtered out.
    filteredOutFields: [],
  };
}

function fieldType(value: unknown): FieldType | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  return 'object';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field keeps the type it was first stored with; a different type is invalid data. */
function dataFieldsMatchTypes(project: Project, dataFields: Record<string, unknown>): boolean {
  // for...in over a parsed JSON object: own keys only, without allocating entry arrays per user.
  for (const name in dataFields) {
    const known = project.fieldTypes.get(name);
    const type = fieldType(dataFields[name]);
    if (known !== undefined && type !== undefined && known !== type) return false;
  }
  return true;
}

function mergeDataFields(
  project: Project,
  user: StoredUser,
  subscriber: OptionalApiUser,
  createdFields: Set<string>,
): void {
  const incoming = subscriber.dataFields;
  if (!incoming) return;
  for (const name in incoming) {
    const value = incoming[name];
    const type = fieldType(value);
    if (type !== undefined && !project.fieldTypes.has(name)) {
      project.fieldTypes.set(name, type);
      createdFields.add(name);
    }
    const existing = user.dataFields[name];
    // mergeNestedObjects merges top-level objects one level deep, as the spec's example shows.
    user.dataFields[name] =
      subscriber.mergeNestedObjects === true && isPlainObject(existing) && isPlainObject(value)
        ? { ...existing, ...value }
        : value;
  }
}

export interface SubscribeOptions {
  respectUpdateExistingUsersOnly: boolean;
}

function storedUser(project: Project, resolved: Exclude<Resolution, { kind: 'failed' }>) {
  if (resolved.kind === 'existing') return resolved.user;
  // No prototype: a data field may be called "__proto__" and must stay a plain field.
  const user: StoredUser = {
    email: resolved.key,
    dataFields: Object.create(null) as Record<string, unknown>,
  };
  project.users.set(resolved.key, user);
  return user;
}

export function subscribe(
  project: Project,
  list: StoredList,
  request: SubscribeRequest,
  options: SubscribeOptions,
): UserBulkUpdateListResponse {
  const failures = new FailureCollector();
  const createdFields = new Set<string>();
  const existingOnly =
    request.updateExistingUsersOnly === true && options.respectUpdateExistingUsersOnly;
  let successCount = 0;
  for (const subscriber of request.subscribers) {
    const resolved = resolveUser(project, subscriber);
    if (resolved.kind === 'failed') {
      failures.add(resolved.failure, subscriber, resolved.byEmail);
      continue;
    }
    if (resolved.kind === 'new' && existingOnly) {
      failures.add('notFound', subscriber, resolved.byEmail);
      continue;
    }
    if (subscriber.dataFields && !dataFieldsMatchTypes(project, subscriber.dataFields)) {
      failures.add('invalidData', subscriber, resolved.byEmail);
      continue;
    }
    const user = storedUser(project, resolved);
    const userId = subscriber.userId ?? undefined;
    if (userId !== undefined && user.userId === undefined) {
      user.userId = userId;
      project.userKeyByUserId.set(userId, resolved.key);
    }
    mergeDataFields(project, user, subscriber, createdFields);
    list.members.add(resolved.key);
    successCount += 1;
  }
  return respond(successCount, failures, [...createdFields]);
}

/** Records a channel-wide unsubscribe when asked: the request's "essentially a global unsubscribe". */
export function unsubscribe(
  project: Project,
  list: StoredList,
  request: UnsubscribeRequest,
  now: Date,
): { response: UserBulkUpdateListResponse; channelUnsubscribes: number } {
  const failures = new FailureCollector();
  let successCount = 0;
  let channelUnsubscribes = 0;
  for (const unsubscriber of request.subscribers) {
    const resolved = resolveUser(project, unsubscriber);
    if (resolved.kind === 'failed') {
      failures.add(resolved.failure, unsubscriber, resolved.byEmail);
      continue;
    }
    // Unsubscribing never creates a user: "notFoundEmails ... (for subscribe/unsubscribe only)".
    if (resolved.kind === 'new') {
      failures.add('notFound', unsubscriber, resolved.byEmail);
      continue;
    }
    list.members.delete(resolved.key);
    if (request.channelUnsubscribe === true) {
      const record: ChannelUnsubscribe = { listId: list.id, at: now.toISOString() };
      if (typeof request.campaignId === 'number') record.campaignId = request.campaignId;
      project.channelUnsubscribes.set(resolved.key, record);
      channelUnsubscribes += 1;
    }
    successCount += 1;
  }
  return { response: respond(successCount, failures, []), channelUnsubscribes };
}
