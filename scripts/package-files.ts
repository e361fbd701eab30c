import ignore, { type Ignore } from 'ignore';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Which files of the project a deploy uploads: every file that `.funcignore` does not exclude,
 * read with gitignore rules, as Core Tools and azd read it.
 */

/** The patterns of a .funcignore text: neither blank lines nor comments. */
export function funcignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Patterns that match at any depth. Under gitignore rules a pattern without a slash before its
 * end (`infra/`, `*.ts`) matches in every folder, dependencies included: `infra/` once removed
 * undici's `lib/web/infra/` and no function of the deployed app could load.
 */
export function unanchoredPatterns(patterns: string[]): string[] {
  return patterns.filter((pattern) => !pattern.replace(/^!/, '').startsWith('/'));
}

/** The matcher for a .funcignore text; refuses a pattern that is not anchored. */
export function funcignoreMatcher(text: string): Ignore {
  const patterns = funcignorePatterns(text);
  const loose = unanchoredPatterns(patterns);
  if (loose.length > 0) {
    throw new Error(
      `.funcignore: anchor every pattern with a leading "/" (it would match at any depth): ${loose.join(', ')}`,
    );
  }
  return ignore().add(patterns);
}

/**
 * The project's own dependency folder is never part of the package: it holds the development
 * dependencies too, and every production dependency is inside the bundle (scripts/bundle-app).
 */
const dependencyFolder = 'node_modules';

/** Every file under `root` the matcher keeps, as relative paths with "/" separators, sorted. */
export function keptFiles(root: string, matcher: Ignore): string[] {
  const kept: string[] = [];
  const walk = (relative: string) => {
    for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (name === dependencyFolder) continue;
      if (entry.isDirectory()) {
        // An excluded folder is not entered, as git does not: nothing below it can come back.
        if (!matcher.ignores(`${name}/`)) walk(name);
      } else if (!matcher.ignores(name)) {
        kept.push(name);
      }
    }
  };
  walk('');
  return kept.sort();
}

/** The files of `root` that a deploy uploads, by the root's own .funcignore. */
export function deployedFiles(root: string): string[] {
  return keptFiles(root, funcignoreMatcher(readFileSync(path.join(root, '.funcignore'), 'utf8')));
}
