/**
 * The linter rules infra/bicepconfig.json sets, each with the comment written above it. Bicep reads
 * the file as JSON with comments; the comment above a rule says why it is on or left off, and a rule
 * left off without one is refused, so no warning is silenced without a reason in the file.
 */

export interface LinterRule {
  rule: string;
  level: string;
  /** The `//` lines right above the rule, joined. */
  reason: string;
}

export interface LinterConfig {
  enabled: boolean;
  rules: LinterRule[];
}

const ruleLine = /^\s*"(?<rule>[a-z0-9-]+)"\s*:\s*\{\s*"level"\s*:\s*"(?<level>\w+)"\s*\},?\s*$/;
const commentLine = /^\s*\/\/\s?(?<text>.*)$/;

export function readLinterConfig(text: string): LinterConfig {
  const rules: LinterRule[] = [];
  let comment: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const remark = commentLine.exec(line)?.groups?.text;
    if (remark !== undefined) {
      comment.push(remark.trim());
      continue;
    }
    const groups = ruleLine.exec(line)?.groups;
    if (groups)
      rules.push({ rule: groups.rule ?? '', level: groups.level ?? '', reason: comment.join(' ') });
    comment = [];
  }
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, '')) as {
    analyzers?: { core?: { enabled?: boolean; rules?: Record<string, unknown> } };
  };
  const core = json.analyzers?.core;
  // A rule written over several lines would escape the reading above: refuse it instead.
  const unread = Object.keys(core?.rules ?? {}).filter(
    (rule) => !rules.some((r) => r.rule === rule),
  );
  if (unread.length > 0) throw new Error(`write each rule on one line: ${unread.join(', ')}`);
  return { enabled: core?.enabled !== false, rules };
}

/** Problems with the config: the linter off, or a rule left off without a reason. */
export function checkLinterConfig(config: LinterConfig): string[] {
  return [
    ...(config.enabled ? [] : ['analyzers.core.enabled is false: nothing would be linted']),
    ...config.rules
      .filter((rule) => rule.level === 'off' && !/^Left off: \S/.test(rule.reason))
      .map((rule) => `${rule.rule} is off without a "// Left off: <why>" comment above it`),
  ];
}
