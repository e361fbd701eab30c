export interface StatsSnapshot {
  /**
   * Answers per route and HTTP status, e.g. `{"POST /api/lists/subscribe": {"200": 3}}`; a dropped
   * connection counts as `"dropped"`, a path no route matches as route `"unmatched"`.
   */
  requests: Record<string, Record<string, number>>;
  rateLimited: number;
  injectedFaults: number;
  subscribersReceived: number;
  unsubscribersReceived: number;
  channelUnsubscribes: number;
}

/** Counters only: the stand-in logs nothing per request so benchmarks measure the product. */
export class StandInStats {
  private readonly requests = new Map<string, Map<string, number>>();
  rateLimited = 0;
  injectedFaults = 0;
  subscribersReceived = 0;
  unsubscribersReceived = 0;
  channelUnsubscribes = 0;

  recordAnswer(endpoint: string, status: number | 'dropped'): void {
    const outcome = String(status);
    let byStatus = this.requests.get(endpoint);
    if (!byStatus) {
      byStatus = new Map();
      this.requests.set(endpoint, byStatus);
    }
    byStatus.set(outcome, (byStatus.get(outcome) ?? 0) + 1);
  }

  reset(): void {
    this.requests.clear();
    this.rateLimited = 0;
    this.injectedFaults = 0;
    this.subscribersReceived = 0;
    this.unsubscribersReceived = 0;
    this.channelUnsubscribes = 0;
  }

  snapshot(): StatsSnapshot {
    const requests: Record<string, Record<string, number>> = {};
    for (const [endpoint, byStatus] of this.requests) {
      requests[endpoint] = Object.fromEntries(byStatus);
    }
    return {
      requests,
      rateLimited: this.rateLimited,
      injectedFaults: this.injectedFaults,
      subscribersReceived: this.subscribersReceived,
      unsubscribersReceived: this.unsubscribersReceived,
      channelUnsubscribes: this.channelUnsubscribes,
    };
  }
}
