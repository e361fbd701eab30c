import type { ApiRoute } from './api-routes';
import { FaultInjector } from './faults';
import { applyKnobChanges } from './knobs';
import type { Knobs } from './knobs';
import { RateLimiter } from './rate-limit';
import type { RateRule } from './rate-limit';
import { StandInStats } from './stats';
import { StandInStore } from './store';
import type { Project } from './store';

/** Everything one running stand-in holds; the HTTP layer and the programmatic API share it. */
export class StandInState {
  readonly store = new StandInStore();
  readonly stats = new StandInStats();
  readonly limiter = new RateLimiter();
  /** Mutated in place, so the fault injector always reads the current values. */
  readonly knobs: Knobs;
  readonly faults: FaultInjector;

  constructor(
    private readonly initialKnobs: Readonly<Knobs>,
    private readonly initialKeys: readonly string[],
  ) {
    this.knobs = { ...initialKnobs };
    this.faults = new FaultInjector(this.knobs);
    this.store.reset(initialKeys);
  }

  /** Validates and applies a partial change of knobs (throws a ZodError) and returns all knobs. */
  configure(changes: unknown): Knobs {
    const next = applyKnobChanges(this.knobs, changes);
    const seedGiven = typeof changes === 'object' && changes !== null && 'seed' in changes;
    Object.assign(this.knobs, next);
    if (seedGiven) this.faults.reseed(this.knobs.seed);
    // Buckets are keyed by their limits, so a changed limit starts full; others keep their tokens.
    return { ...this.knobs };
  }

  addApiKey(apiKey: string): Project {
    return this.store.addKey(apiKey);
  }

  /** Back to the state right after start: initial keys and knobs, no data, zero counters. */
  reset(): void {
    Object.assign(this.knobs, this.initialKnobs);
    this.faults.reseed(this.knobs.seed);
    this.limiter.clear();
    this.stats.reset();
    this.store.reset(this.initialKeys);
  }

  /** The published per-route limit plus the optional per-key cap. */
  rateRules(route: ApiRoute, project: Project): RateRule[] {
    const rules: RateRule[] = [];
    if (route.publishedLimit) rules.push(route.publishedLimit(project, this.knobs));
    const perSecond = this.knobs.rateLimitPerSecond;
    if (perSecond !== null) {
      const slidingWindow = this.knobs.rateLimitMode === 'slidingWindow';
      rules.push({
        bucketKey: `${project.projectId}:all`,
        capacity: slidingWindow
          ? Math.max(1, Math.floor(perSecond))
          : (this.knobs.rateLimitBurst ?? Math.max(1, Math.ceil(perSecond))),
        tokensPerMs: perSecond / 1000,
        slidingWindow,
      });
    }
    return rules;
  }
}
