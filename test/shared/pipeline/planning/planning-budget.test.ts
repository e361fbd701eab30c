import { PlanningBudget } from '../../../../shared/pipeline/planning/planning-budget';

/** Which of the plans have started so far, in order. */
function tracker() {
  const started: string[] = [];
  const releases = new Map<string, () => void>();
  return {
    started,
    async take(budget: PlanningBudget, name: string, members: number, waitMs?: number) {
      const release = await budget.take(members, waitMs);
      if (release) {
        started.push(name);
        releases.set(name, release);
      }
      return release;
    },
    release: (name: string) => releases.get(name)!(),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('PlanningBudget', () => {
  afterEach(() => jest.useRealTimers());

  it('lets large plans take turns in the order they came, and never holds back a small one', async () => {
    const budget = new PlanningBudget(1_000, 100, 60_000);
    const plans = tracker();
    await plans.take(budget, 'a', 700);
    const waitingB = plans.take(budget, 'b', 600);
    const waitingC = plans.take(budget, 'c', 200); // fits, but b came first
    await plans.take(budget, 'small', 99);
    await settle();
    expect(plans.started).toEqual(['a', 'small']);
    expect(budget.free).toBe(300);
    plans.release('a');
    await Promise.all([waitingB, waitingC]);
    expect(plans.started).toEqual(['a', 'small', 'b', 'c']);
    expect(budget.free).toBe(200);
    plans.release('b');
    plans.release('c');
    plans.release('c'); // giving back twice gives back once
    expect(budget.free).toBe(1_000);
  });

  it('takes at most the whole budget, so a plan larger than it runs alone', async () => {
    const budget = new PlanningBudget(1_000, 100, 60_000);
    const plans = tracker();
    await plans.take(budget, 'huge', 5_000);
    expect(budget.free).toBe(0);
    const waiting = plans.take(budget, 'next', 150);
    await settle();
    expect(plans.started).toEqual(['huge']);
    plans.release('huge');
    await waiting;
    expect(plans.started).toEqual(['huge', 'next']);
  });

  it('gives up after the wait, and a smaller plan behind the one that gave up may start', async () => {
    jest.useFakeTimers();
    const budget = new PlanningBudget(1_000, 100, 60_000);
    const plans = tracker();
    await plans.take(budget, 'a', 700);
    const big = plans.take(budget, 'big', 900, 1_000);
    const after = plans.take(budget, 'after', 300, 5_000);
    await jest.advanceTimersByTimeAsync(999);
    expect(plans.started).toEqual(['a']);
    await jest.advanceTimersByTimeAsync(1);
    expect(await big).toBeUndefined();
    await after;
    expect(plans.started).toEqual(['a', 'after']);
    expect(budget.free).toBe(0);
  });

  it('is sized from the heap: one partition under a small heap, more under a large one', () => {
    const partition = 1_250_000;
    const options = { partitionMembers: partition, smallPlan: 100_000, waitMs: 1 };
    expect(PlanningBudget.forHeap(320 * 2 ** 20, options).capacity).toBe(partition);
    const large = PlanningBudget.forHeap(1024 * 2 ** 20, options).capacity;
    expect(large).toBeGreaterThanOrEqual(2 * partition);
    expect(large).toBeLessThan(4 * partition);
  });
});

describe('PlanningLease', () => {
  it('grows with what its plan holds, ahead of plans not started, and gives back as it shrinks', async () => {
    const budget = new PlanningBudget(1_000, 100, 60_000);
    const growing = budget.lease();
    const other = budget.lease();
    expect(await growing.hold(50)).toBe(true); // small: not charged
    expect(budget.free).toBe(1_000);
    expect(await growing.hold(600)).toBe(true);
    expect(await other.hold(300)).toBe(true);
    const newcomer = budget.lease();
    const waitingNew = newcomer.hold(200);
    const waitingGrowth = growing.hold(800);
    await settle();
    other.release();
    expect(await waitingGrowth).toBe(true); // it came second but already holds memory
    expect(growing.held).toBe(800);
    expect(await waitingNew).toBe(true);
    expect(budget.free).toBe(0);
    expect(await growing.hold(0)).toBe(true);
    newcomer.release();
    expect(budget.free).toBe(1_000);
  });

  it('when every plan holding budget waits for more, the one holding least gives up at once', async () => {
    const budget = new PlanningBudget(1_000, 100, 60_000);
    const [a, b, c] = [budget.lease(), budget.lease(), budget.lease()];
    await a.hold(400);
    await b.hold(350);
    await c.hold(250);
    const growA = a.hold(500);
    const growB = b.hold(450);
    await settle();
    // c still reads: it may finish and free its share, so no one gives up yet.
    expect(budget.free).toBe(0);
    const growC = c.hold(300);
    expect(await growC).toBe(false); // all three wait: c holds least
    c.release();
    expect(await growA).toBe(true);
    expect(await growB).toBe(true);
    expect(budget.free).toBe(50);
    a.release();
    b.release();
    expect(budget.free).toBe(1_000);
  });
});
