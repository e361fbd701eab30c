/**
 * How many members one process plans in memory at once, over every run it plans. The queue
 * hands an instance up to 24 messages at a time, and a scheduled refresh queues many runs
 * together: without a budget, a few large segments planned side by side would each hold up to a
 * partition's state and together outgrow the instance. Each plan holds a lease that follows what
 * it has in memory as it reads: it grows with the rows read (waiting when the budget is taken) and
 * shrinks when a plan spills to partitions or ends. Small plans (below `smallPlan` members) never
 * wait. A plan that cannot grow within its wait is put back in the queue, where another instance
 * may take it.
 */
const heapBytesPerPlannedMember = 200;

interface Waiter {
  lease: PlanningLease;
  weight: number;
  start: (held: boolean) => void;
}

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
  readonly #waiting: Waiter[] = [];
  /** Leases holding part of the budget now. */
  readonly #holders = new Set<PlanningLease>();

  constructor(
    readonly capacity: number,
    readonly smallPlan: number,
    /** How long a plan waits for more before it is put back in the queue. */
    readonly waitMs: number,
  ) {
    this.#free = capacity;
  }

  /** Members not taken by a plan now. */
  get free(): number {
    return this.#free;
  }

  /** A lease holding nothing yet, for one plan. */
  lease(): PlanningLease {
    return new PlanningLease(this);
  }

  /**
   * Takes `members` (at most the whole budget) for a plan: resolves with the function that gives
   * them back, or with undefined when they were not free within `waitMs`.
   */
  async take(members: number, waitMs = this.waitMs): Promise<(() => void) | undefined> {
    const lease = this.lease();
    return (await lease.hold(members, waitMs)) ? () => lease.release() : undefined;
  }

  /** What a plan of `members` is charged: nothing when small, at most the whole budget. */
  weightOf(members: number): number {
    return members < this.smallPlan ? 0 : Math.min(members, this.capacity);
  }

  /** @internal Moves a lease to `weight`, at once when it shrinks or fits, else in turn. */
  request(lease: PlanningLease, weight: number, waitMs: number): Promise<boolean> {
    const more = weight - lease.held;
    if (more <= 0 || (this.#waiting.length === 0 && more <= this.#free)) {
      this.#set(lease, weight);
      if (more < 0) this.#startWaiting();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        lease,
        weight,
        start: (held) => {
          clearTimeout(timer);
          resolve(held);
        },
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        resolve(false);
        this.#startWaiting(); // a large plan giving up may let smaller ones behind it start
      }, waitMs);
      // A plan already holding memory goes before plans not started: finishing it frees memory.
      const firstNew = this.#waiting.findIndex((other) => other.lease.held === 0);
      if (lease.held > 0 && firstNew >= 0) this.#waiting.splice(firstNew, 0, waiter);
      else this.#waiting.push(waiter);
      this.#startWaiting();
    });
  }

  #set(lease: PlanningLease, weight: number): void {
    this.#free -= weight - lease.held;
    lease.held = weight;
    if (weight > 0) this.#holders.add(lease);
    else this.#holders.delete(lease);
  }

  /**
   * Starts waiting plans in order, as long as the first one fits. When every plan holding budget
   * is itself waiting for more, none can finish to free it: the waiting plan holding the least
   * gives up (and is put back in the queue), so the others go on.
   */
  #startWaiting(): void {
    for (;;) {
      const first = this.#waiting[0];
      if (!first) return;
      if (first.weight - first.lease.held <= this.#free) {
        this.#waiting.shift();
        this.#set(first.lease, first.weight);
        first.start(true);
        continue;
      }
      const blocked = this.#waiting.filter((waiter) => waiter.lease.held > 0);
      if (blocked.length === 0 || blocked.length < this.#holders.size) return;
      const least = blocked.reduce((a, b) => (b.lease.held <= a.lease.held ? b : a));
      this.#waiting.splice(this.#waiting.indexOf(least), 1);
      least.start(false);
      // It still holds its share until its plan gives it back, which starts the next ones.
      return;
    }
  }
}

/** One plan's share of the budget, following the members it holds in memory. */
export class PlanningLease {
  /** Members charged to this plan now. */
  held = 0;

  constructor(private readonly budget: PlanningBudget) {}

  /**
   * Holds budget for `members` members in memory: gives back at once when fewer, else waits up to
   * `waitMs` for more. Resolves false when the budget could not be had (nothing changes then).
   */
  hold(members: number, waitMs = this.budget.waitMs): Promise<boolean> {
    return this.budget.request(this, this.budget.weightOf(members), waitMs);
  }

  /** Gives everything back; giving back twice gives back once. */
  release(): void {
    void this.budget.request(this, 0, 0);
  }
}
