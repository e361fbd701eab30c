import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The floor plan's size rule: no source file of the app (`shared/`) over 300 lines, so a module
 * that grows past one concern is split rather than left for the next reader to untangle.
 */
const maxLines = 300;
const shared = path.resolve(__dirname, '..', '..', 'shared');

function linesOf(file: string): number {
  return readFileSync(file, 'utf8').split('\n').length - 1;
}

describe('source file size', () => {
  const files = readdirSync(shared, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(shared, file));

  it('reads every source file of shared/', () => {
    expect(files.length).toBeGreaterThan(150);
  });

  it(`has no file in shared/ over ${maxLines} lines`, () => {
    const tooLong = files
      .map((file) => ({ file: path.relative(shared, file), lines: linesOf(file) }))
      .filter(({ lines }) => lines > maxLines);
    expect(tooLong).toEqual([]);
  });
});
