/**
 * How many storage operations (a delete, a listing page) a pass of erasure or retention may
 * spend, so one invocation stays short however much is left; what it did not reach, the next
 * pass finds again.
 */
export class WorkBudget {
  #left: number;

  constructor(operations: number) {
    this.#left = operations;
  }

  /** Takes `count` operations; false (nothing taken) when fewer are left. */
  take(count = 1): boolean {
    if (this.#left < count) return false;
    this.#left -= count;
    return true;
  }

  get exhausted(): boolean {
    return this.#left <= 0;
  }
}
