import { withFlowSection } from '../../bench/flow-report';
import { sectionOf, withSection } from '../../bench/report-sections';

const report = [
  '# Benchmarks',
  '',
  'rows',
  '',
  '## Flow control',
  '',
  'flow figures',
  '',
  '### Fairness',
  '',
  'fair',
  '',
  '## Refresh sweep',
  '',
  'old sweep figures',
  '',
].join('\n');

describe('sections of the benchmarks file', () => {
  it('finds a section up to the next section heading, its own subsections included', () => {
    expect(sectionOf(report, '## Flow control')).toBe(
      '## Flow control\n\nflow figures\n\n### Fairness\n\nfair',
    );
    expect(sectionOf(report, '## Refresh sweep')).toBe('## Refresh sweep\n\nold sweep figures');
    expect(sectionOf(report, '## Throttled')).toBeUndefined();
  });

  it('replaces the sweep section alone, and adds one to a report without it', () => {
    const section = '## Refresh sweep\n\nnew sweep figures\n';
    const replaced = withSection(report, '## Refresh sweep', section);
    expect(replaced).toBe(report.replace('old sweep figures', 'new sweep figures'));
    expect(withSection(replaced, '## Refresh sweep', section)).toBe(replaced);
    expect(withSection('# Benchmarks\n\nrows\n', '## Refresh sweep', section)).toBe(
      `# Benchmarks\n\nrows\n\n${section}`,
    );
  });

  it('keeps the sweep section when the flow section before it is written again', () => {
    const flow = '## Flow control\n\nnew flow figures\n';
    const written = withFlowSection(report, flow);
    expect(sectionOf(written, '## Flow control')).toBe(flow.trimEnd());
    expect(sectionOf(written, '## Refresh sweep')).toBe('## Refresh sweep\n\nold sweep figures');
    expect(written.startsWith('# Benchmarks\n\nrows\n\n## Flow control')).toBe(true);
  });
});
