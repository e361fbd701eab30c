/** A measured sample: its wall time and whatever else was measured with it. */
export interface Sample {
  seconds: number;
}

/** The sample of median wall time (the lower middle of an even count), and the range of all. */
export function medianOf<T extends Sample>(
  samples: T[],
): T & { range: [number, number]; samples: number } {
  if (samples.length === 0) throw new Error('No samples to take a median of');
  const sorted = [...samples].sort((a, b) => a.seconds - b.seconds);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return {
    ...median,
    range: [sorted[0]!.seconds, sorted[sorted.length - 1]!.seconds],
    samples: samples.length,
  };
}
