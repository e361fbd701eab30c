import { seededRandom } from '../seeded-random';
import type { ApiEndpoint, Knobs } from './knobs';

export type Fault = { kind: 'status'; status: number } | { kind: 'throttle' } | { kind: 'drop' };

/** Decides, per request, whether to fail it. Reads (and counts down) the live knobs. */
export class FaultInjector {
  private random: () => number;

  constructor(private readonly knobs: Knobs) {
    this.random = seededRandom(knobs.seed);
  }

  reseed(seed: number): void {
    this.random = seededRandom(seed);
  }

  decide(endpoint: ApiEndpoint): Fault | undefined {
    const { knobs } = this;
    if (knobs.faultEndpoints && !knobs.faultEndpoints.includes(endpoint)) return undefined;
    if (knobs.dropNext > 0) {
      knobs.dropNext -= 1;
      return { kind: 'drop' };
    }
    if (knobs.throttleNext > 0) {
      knobs.throttleNext -= 1;
      return { kind: 'throttle' };
    }
    if (knobs.failNext > 0) {
      knobs.failNext -= 1;
      return { kind: 'status', status: knobs.failStatus };
    }
    if (knobs.failProbability > 0 && this.random() < knobs.failProbability) {
      return { kind: 'status', status: knobs.failStatus };
    }
    return undefined;
  }
}
