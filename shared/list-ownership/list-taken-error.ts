import { AppError, type ErrorDetail } from '../errors';
import { quoteForMessage } from '../quote-for-message';

/** Who holds a list another export asked for; the owner is named only within its own tenant. */
export interface ListTaken {
  listName: string;
  /** Where the list's name came from in the request (`segments[1]`), when it came from one. */
  target?: string;
  /** Present only when the owner is in the claimant's tenant. */
  owner?: { id: string; displayName: string };
}

/**
 * 409: a list has one owner. Two exports writing one list would each remove the members the other
 * added, so the second is refused. Another tenant's export is never named: that the list is taken
 * is all another tenant may learn.
 */
export class ListTakenError extends AppError {
  constructor(readonly taken: ListTaken[]) {
    const details = taken.map(describe);
    const owners = taken.filter((entry) => entry.owner);
    super(409, 'ListTaken', details.length === 1 ? details[0]!.message : describeAll(taken), {
      target: taken[0]?.target ?? 'segments',
      details,
      ...(owners.length > 0
        ? {
            innerError: {
              owners: owners.map(({ listName, owner }) => ({ listName, export: owner })),
            },
          }
        : {}),
    });
  }
}

function describe(entry: ListTaken): ErrorDetail {
  const list = quoteForMessage(entry.listName);
  const message = entry.owner
    ? `The Iterable list ${list} is written by export ${quoteForMessage(entry.owner.displayName)} (${entry.owner.id}); a list has one owner: change or delete that export first.`
    : `The Iterable list ${list} is already written by another export through this Iterable project; a list has one owner.`;
  return { code: 'ListTaken', target: entry.target ?? 'segments', message };
}

function describeAll(taken: ListTaken[]): string {
  return `${taken.length} of the export's Iterable lists are written by other exports; a list has one owner.`;
}
