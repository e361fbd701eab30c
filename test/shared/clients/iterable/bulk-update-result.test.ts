import { toBulkUpdateResult } from '../../../../shared/clients/iterable/bulk-update-result';
import { BulkUpdateResponseSchema } from '../../../../shared/clients/iterable/iterable-schemas';

/** An answer as Iterable sends it, with every list empty unless given. */
function answer(fields: Record<string, unknown> = {}, failedUpdates: Record<string, unknown> = {}) {
  return BulkUpdateResponseSchema.parse({
    successCount: 0,
    failCount: 0,
    createdFields: [],
    filteredOutFields: [],
    invalidUserIds: [],
    invalidEmails: [],
    failedUpdates: {
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
      ...failedUpdates,
    },
    ...fields,
  });
}

describe('toBulkUpdateResult', () => {
  it('reports every failure kind by name, each e-mail once', () => {
    const result = toBulkUpdateResult(
      answer(
        {
          successCount: 10,
          failCount: 6,
          invalidEmails: ['a@x.io', 'b@x.io', 'c@x.io', 'd@x.io', 'e@x.io'],
        },
        {
          conflictEmails: ['a@x.io'],
          forgottenEmails: ['b@x.io'],
          invalidDataEmails: ['c@x.io'],
          invalidEmails: ['d@x.io'],
          notFoundEmails: ['e@x.io'],
          conflictUserIds: ['user-7'],
        },
      ),
    );

    expect(result.successCount).toBe(10);
    expect(result.failCount).toBe(6);
    expect([...result.failures].sort((a, b) => a.email.localeCompare(b.email))).toEqual([
      { email: 'a@x.io', reason: 'conflictEmails' },
      { email: 'b@x.io', reason: 'forgottenEmails' },
      { email: 'c@x.io', reason: 'invalidDataEmails' },
      { email: 'd@x.io', reason: 'invalidEmails' },
      { email: 'e@x.io', reason: 'notFoundEmails' },
    ]);
  });

  it('reports an e-mail named by two kinds once', () => {
    const result = toBulkUpdateResult(
      answer({ failCount: 1 }, { conflictEmails: ['a@x.io'], notFoundEmails: ['a@x.io'] }),
    );

    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]?.email).toBe('a@x.io');
  });

  it('keeps e-mails named only by the deprecated top-level invalidEmails', () => {
    const result = toBulkUpdateResult(
      answer({ failCount: 1, invalidEmails: ['old@x.io'], failedUpdates: undefined }),
    );

    expect(result.failures).toEqual([{ email: 'old@x.io', reason: 'invalidEmails' }]);
  });

  it('reports a failure kind Iterable adds later', () => {
    const result = toBulkUpdateResult(answer({ failCount: 1 }, { blockedEmails: ['new@x.io'] }));

    expect(result.failures).toEqual([{ email: 'new@x.io', reason: 'blockedEmails' }]);
  });

  it('reads null lists as empty', () => {
    const parsed = BulkUpdateResponseSchema.parse({
      successCount: 1,
      failCount: 0,
      invalidEmails: null,
      failedUpdates: { invalidEmails: null },
    });

    expect(toBulkUpdateResult(parsed)).toEqual({ successCount: 1, failCount: 0, failures: [] });
  });
});
