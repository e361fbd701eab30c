import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bicepFilesUnder, parseBicep, syntaxProblems } from './support/bicep-parser';
import { infraDir, repositoryTemplates } from './support/infra-folder';

describe('Bicep syntax (tree-sitter-bicep)', () => {
  it('finds main.bicep and every module under infra/app', () => {
    const files = bicepFilesUnder(infraDir);
    expect(files).toContain('main.bicep');
    expect(files.filter((file) => file.startsWith(`app${path.sep}`)).length).toBeGreaterThanOrEqual(
      7,
    );
  });

  it('parses every .bicep file under infra/ without a syntax error', async () => {
    const templates = await repositoryTemplates();
    expect(templates.files.size).toBe(bicepFilesUnder(infraDir).length);
    expect(templates.syntax).toEqual([]);
  });

  it('reports a syntax error with its line and column', async () => {
    const source =
      "param name string\nresource site 'Microsoft.Web/sites@2024-04-01' = {\n  name: name\n";
    const problems = syntaxProblems('broken.bicep', await parseBicep(source));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: 'broken.bicep', line: expect.any(Number) as number });
  });

  it('reports an expression that is not Bicep', async () => {
    const problems = syntaxProblems('broken.bicep', await parseBicep("var x = 'a' +* 'b'\n"));
    expect(problems).toEqual([expect.objectContaining({ line: 1 })]);
  });

  it.each(['main.parameters.json', 'abbreviations.json'])('reads %s as JSON', (name) => {
    expect(
      () => JSON.parse(readFileSync(path.join(infraDir, name), 'utf8')) as unknown,
    ).not.toThrow();
  });
});
