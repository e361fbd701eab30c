import { Readable } from 'node:stream';
import { seededRandom } from '../local/seeded-random';

/**
 * Reproducible segment snapshots for the benchmark: the same seed and size give the same bytes.
 * Columns look like a customer-data platform's export: mixed-case e-mails with a few invalid
 * and duplicate ones, names, location, plan, dates and a money amount.
 */

const firstNames = [
  'Anna',
  'Bram',
  'Chloé',
  'Daan',
  'Eva',
  'Finn',
  'Greta',
  'Hugo',
  'Iris',
  'Jens',
];
const lastNames = ['de Vries', 'Jansen', 'Müller', "O'Brien", 'Silva', 'Nowak', 'Smith', 'Berg'];
const cities = [
  ['Amsterdam', 'NL'],
  ['Berlin', 'DE'],
  ['Lisbon', 'PT'],
  ['Oslo', 'NO'],
  ['Utrecht', 'NL'],
  ['Kraków', 'PL'],
  ['Dublin', 'IE'],
  ['Austin', 'US'],
] as const;
const plans = ['free', 'basic', 'plus', 'pro'];
const domains = ['example.com', 'mail.example.org', 'example.net'];

export const segmentHeader =
  'email,first_name,last_name,city,country,plan,signup_date,lifetime_value,marketing_opt_in';

/** The data fields every bench export maps, each from its column of the segment. */
export const benchDataFields = {
  firstName: 'first_name',
  lastName: 'last_name',
  city: 'city',
  country: 'country',
  plan: 'plan',
  signupDate: 'signup_date',
  lifetimeValue: 'lifetime_value',
  marketingOptIn: 'marketing_opt_in',
};

export interface SegmentOptions {
  size: number;
  seed: number;
  /** Members 0..size-1 by default; a churned segment shifts and edits some of them. */
  churn?: { leave: number; join: number; change: number };
}

/**
 * Which member ids a segment holds: with churn, the first `leave` ids are gone and `join` new
 * ones follow the last, and `change` members from the middle get a new plan.
 */
export function memberIds(options: SegmentOptions): { first: number; end: number } {
  const leave = options.churn?.leave ?? 0;
  const join = options.churn?.join ?? 0;
  return { first: leave, end: options.size + join };
}

function emailOf(id: number): string {
  // Addresses keep to ASCII, as most lists do: "Chloé" writes "chloe".
  const first = firstNames[id % firstNames.length]!.normalize('NFD').replace(/\p{M}/gu, '');
  return `${first}.${id}@${domains[id % domains.length]}`;
}

/**
 * One CSV row for member `id`, the same whatever rows come before it (so a churned segment
 * differs only where it should); about 1 in 500 rows is an invalid or repeated address.
 */
export function memberRow(id: number, seed: number, changed: boolean): string {
  const random = seededRandom(Math.imul(seed ^ id, 0x9e3779b1));
  const [city, country] = cities[id % cities.length]!;
  const plan = plans[(id + (changed ? 1 : 0)) % plans.length]!;
  const roll = random();
  const email =
    roll < 0.001
      ? `not-an-email-${id}`
      : roll < 0.002
        ? emailOf(Math.max(0, id - 1)).toUpperCase()
        : id % 3 === 0
          ? emailOf(id).toUpperCase()
          : emailOf(id);
  const last = lastNames[id % lastNames.length]!;
  const quotedLast = last.includes("'") ? `"${last}"` : last;
  const day = String(1 + (id % 28)).padStart(2, '0');
  const value = (random() * 5000).toFixed(2);
  return `${email},${firstNames[id % firstNames.length]},${quotedLast},${city},${country},${plan},2024-03-${day},${value},${id % 2 === 0}`;
}

/** The snapshot as a stream of CSV text, generated as it is read (3M rows never sit in memory). */
export function segmentStream(options: SegmentOptions): Readable {
  const { first, end } = memberIds(options);
  const changeFrom = Math.floor(options.size / 2);
  const changeTo = changeFrom + (options.churn?.change ?? 0);
  let id = first;
  let headerSent = false;
  return new Readable({
    read() {
      const rows: string[] = headerSent ? [] : [segmentHeader];
      headerSent = true;
      for (let count = 0; count < 5000 && id < end; count++, id++) {
        rows.push(memberRow(id, options.seed, id >= changeFrom && id < changeTo));
      }
      this.push(rows.length ? `${rows.join('\n')}\n` : null);
      if (id >= end && rows.length) this.push(null);
    },
  });
}
