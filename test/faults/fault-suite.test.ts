import { sleep, until } from './support/fault-run';
import {
  expectMidRun,
  exportUnder,
  received,
  untilSent,
  untilStatus,
  type Scenario,
} from './support/fault-scenario';
import { renderFaultTable, type FaultRow } from './support/fault-table';

/**
 * Faults a deployment meets, each striking a run in the middle: the run must still end with
 * every member confirmed and counted once, and the list must equal the segment exactly.
 * `npm run test:faults` (FAULT_SUITE=full) runs every row on 200,000 profiles; `npm test` runs
 * the quick rows on 50,000. FAULT_PROFILES changes the size. Both print the fault table.
 */

const full = process.env.FAULT_SUITE === 'full';
const profiles = Number(process.env.FAULT_PROFILES ?? (full ? 200_000 : 50_000));
const minute = 60_000;
const rows: FaultRow[] = [];

interface KnownBug {
  /** What is wrong, noted under the table. */
  bug: string;
  /** How the row fails because of it. */
  symptom: RegExp;
}

interface RowOptions {
  /** Also in `npm test`; otherwise only in `npm run test:faults`. */
  quick?: boolean;
  /**
   * A product bug this row shows. The row passes while it fails with the bug's symptom, and
   * fails once it passes (the bug is fixed: drop `knownBug`) or fails in any other way.
   */
  knownBug?: KnownBug;
}

function faultRow(
  title: string,
  scenario: Omit<Scenario, 'profiles'>,
  options: RowOptions = {},
): void {
  if (!full && !options.quick) return;
  const { knownBug } = options;
  const row = { ...scenario, profiles, knownBug: knownBug?.bug };
  // Room for the stack to start, the segment to be written and the stack to stop.
  const timeout = scenario.timeoutMs + 2 * minute;
  if (!knownBug) {
    it(title, () => exportUnder(row, rows), timeout);
    return;
  }
  it(
    `${title} (fails: ${knownBug.bug})`,
    async () => {
      const failure = await exportUnder(row, rows).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      if (!failure) throw new Error(`The row passes: "${knownBug.bug}" is fixed; drop knownBug`);
      expect(failure.message).toMatch(knownBug.symptom);
    },
    timeout,
  );
}

describe(`the export pipeline under faults (${profiles.toLocaleString('en-US')} profiles)`, () => {
  afterAll(() => {
    if (rows.length) process.stdout.write(`\nFault table\n\n${renderFaultTable(rows)}\n\n`);
  });

  faultRow('exports the segment exactly without a fault (the baseline for extra requests)', {
    fault: 'none',
    timeoutMs: 3 * minute,
  });

  faultRow(
    'completes the run when the host is killed (SIGKILL) while sending and started again',
    {
      fault: 'host killed (SIGKILL) while sending, started again',
      timeoutMs: 3 * minute,
      during: async (context) => {
        // Once sending is under way (planning may still be going on), Iterable's answers are held
        // back, so batches are on their way to Iterable and members are left to send when the
        // host dies, however fast the run would otherwise end.
        await untilSent(context, 0.1);
        context.stack.iterable.configure({ latencyMs: 2000 });
        await expectMidRun(context, 'the host was killed');
        await context.stack.killHost();
        context.stack.iterable.configure({ latencyMs: 0 });
        await context.stack.startHost();
      },
    },
    { quick: true },
  );

  faultRow(
    'completes the run when Azurite is stopped mid-run and started again on its data',
    {
      fault: 'Azurite stopped 5 s mid-run, started again',
      timeoutMs: 3 * minute,
      during: async (context) => {
        await untilSent(context, 0.25);
        await expectMidRun(context, 'Azurite was stopped');
        await context.stack.restartAzurite(5000);
      },
    },
    { quick: true },
  );

  faultRow('completes the run through an Iterable outage of 60 s', {
    fault: 'Iterable down 60 s (every request 503) mid-run',
    timeoutMs: 5 * minute,
    during: async (context) => {
      await untilSent(context, 0.25);
      await expectMidRun(context, 'Iterable went down');
      context.stack.iterable.configure({ failProbability: 1, failStatus: 503 });
      await sleep(60_000);
      context.stack.iterable.configure({ failProbability: 0 });
      expect(context.stack.iterable.stats().injectedFaults).toBeGreaterThan(0);
    },
  });

  faultRow('completes the run when Iterable takes 5 s to answer every request', {
    fault: 'Iterable answering every request in 5 s',
    timeoutMs: 5 * minute,
    before: (stack) => void stack.iterable.configure({ latencyMs: 5000 }),
  });

  faultRow(
    'completes the run when every queue message is delivered twice',
    {
      fault: 'every queue message delivered twice',
      stack: { queueProxy: true },
      timeoutMs: 3 * minute,
      before: (stack) =>
        stack.queueProxy!.fail({ method: 'POST', pathIncludes: '/messages', duplicate: true }),
      during: async (context) => {
        await untilStatus(context, 'running');
        const posts = context.stack.queueProxy!.seen.filter((line) =>
          /^POST \S*\/export-(runs|batches)\/messages/.test(line),
        );
        // The run's message and its batches' have gone through the duplicating proxy.
        expect(posts.length).toBeGreaterThan(1);
      },
    },
    { quick: true },
  );

  faultRow('completes the run when the host is killed (SIGKILL) while planning and started again', {
    fault: 'host killed (SIGKILL) while planning, started again',
    timeoutMs: 90_000,
    during: async (context) => {
      // Once the first batches are sent, while later ones are still being planned.
      const seen = { status: 'queued' };
      await until(
        async () => {
          const { status } = await context.api.run(context.exportId, context.runId);
          seen.status = status;
          return status !== 'queued' && (status !== 'planning' || received(context.stack) > 0);
        },
        'the run sends while it plans',
        2 * minute,
      );
      if (seen.status !== 'planning') throw new Error('Planning ended before a batch was sent');
      await expectMidRun(context, 'the host was killed');
      await context.stack.killHost();
      await context.stack.startHost();
      // The new host cannot have taken the run's message yet (it is leased): if the run is not
      // planning now, planning had ended before the host died and this row proves nothing.
      const { status } = await context.api.run(context.exportId, context.runId);
      if (status !== 'planning') throw new Error(`The host died after planning (${status})`);
    },
  });

  faultRow('completes the run when Iterable is down for 60 s from the run request on', {
    fault: 'Iterable down 60 s from the run request',
    timeoutMs: 3 * minute,
    before: (stack) => void stack.iterable.configure({ failProbability: 1, failStatus: 503 }),
    during: async (context) => {
      context.struck = 'queued, 0% sent';
      await sleep(60_000);
      context.stack.iterable.configure({ failProbability: 0 });
    },
  });
});
