/**
 * How many members one process plans in memory at once, over every run it plans. The queue
 * hands an instance up to 24 messages at a time, and a scheduled refresh queues many runs
 * together: without a budget, a few large segments planned side by side would each hold up to a
 * partition's state and together outgrow the instance. A large plan takes its share before it
 * starts and gives it back when done, so large plans on one instance take turns, in order; small
 * ones (below `smallPlan` members) never wait. A plan that cannot start within its wait is put
 * back in the queue, where another instance may take it.
 */
const heapBytesPerPlannedMember = 200;

export class PlanningBudget {
  /**
   * The budget a heap of `heapLimitBytes` allows: three fifths of it at about 200 bytes a member
   * (a 1M plan peaks at about 160 MB of heap with the garbage it makes), and never less than one
   * partition, so any plan can run alone.
   */
  static forHeap(
    heapLimitBytes: number,
    options: { partitionMembers: number; smallPlan: number; waitMs: number },
  ) {
    const members = Math.floor((0.6 * heapLimitBytes) / heapBytesPerPlannedMember);
    return new PlanningBudget(
      Math.max(options.partitionMembers, members),
      options.smallPlan,
      options.waitMs,
    );
  }

  #free: number;
  readonly #waiting: { weight: number; start: () => void }[] = [];

  constructor(
    readonly capacity: number,
    readonly smallPlan: number,
    /** How long a large plan waits its turn before it is put back in the queue. */
    readonly waitMs: number,
  ) {
    this.#free = capacity;
  }

  /** Members not taken by a plan now. */
  get free(): number {
    return this.#free;
  }

  /**
   * Takes `members` (at most the whole budget) for a plan: resolves with the function that gives
   * them back, or with undefined when they were not free within `waitMs`.
   */
  async take(members: number, waitMs = this.waitMs): Promise<(() => void) | undefined> {
    if (members < this.smallPlan) return () => undefined;
    const weight = Math.min(members, this.capacity);
    if (this.#waiting.length === 0 && weight <= this.#free) return this.#taken(weight);
    return new Promise((resolve) => {
      const waiter = {
        weight,
        start: () => {
          clearTimeout(timer);
          resolve(this.#taken(weight));
        },
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        resolve(undefined);
        this.#startWaiting(); // a large plan giving up may let smaller ones behind it start
      }, waitMs);
      this.#waiting.push(waiter);
    });
  }

  #taken(weight: number): () => void {
    this.#free -= weight;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.#free += weight;
      this.#startWaiting();
    };
  }

  /** Starts waiting plans in the order they came, as long as the first one fits. */
  #startWaiting(): void {
    while (this.#waiting.length && this.#waiting[0]!.weight <= this.#free) {
      this.#waiting.shift()!.start();
    }
  }
}
