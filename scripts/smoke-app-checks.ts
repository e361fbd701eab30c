import { describeAnswer } from './smoke-answers';
import { HttpFailure, parseAnswer, type SmokeApi } from './smoke-http';
import type { CheckResult } from './smoke-report';
import { HealthSchema, OpenApiSchema, UnhealthySchema, type Health } from './smoke-schemas';

/** The routes a smoke run calls: a deploy whose document lacks one is not the app it checks. */
const pathsUsed = [
  '/api/health',
  '/api/segments/{name}',
  '/api/exports',
  '/api/exports/{id}',
  '/api/exports/{id}/runs',
  '/api/exports/{id}/runs/{runId}',
];

function dependencies(health: Health): string {
  return Object.entries(health.checks)
    .map(([name, check]) => `${name} ${check.status}${check.reason ? ` (${check.reason})` : ''}`)
    .join(', ');
}

export async function checkHealth(api: SmokeApi): Promise<CheckResult> {
  const name = 'health';
  try {
    const answer = await api.send('GET', api.url('health'));
    if (answer.status === 503) {
      // The app names the failing dependency in the error; its body is safe to print whole.
      const report = parseAnswer(answer, UnhealthySchema);
      return {
        name,
        outcome: 'failed',
        reason: `unhealthy (HTTP 503), version ${report.version}: ${report.error.message} [${dependencies(report)}]`,
        details: [`body: ${answer.text.replace(/\s+/g, ' ').trim()}`],
      };
    }
    if (answer.status !== 200) throw new HttpFailure(describeAnswer(answer), answer.status);
    const report = parseAnswer(answer, HealthSchema);
    return {
      name,
      outcome: report.status === 'healthy' ? 'passed' : 'failed',
      reason: `${report.status}, version ${report.version} (${dependencies(report)})`,
    };
  } catch (error) {
    return { name, outcome: 'failed', reason: failureReason(error) };
  }
}

export async function checkOpenApi(api: SmokeApi): Promise<CheckResult> {
  const name = 'openapi';
  try {
    const { value: document } = await api.json(
      'GET',
      api.url('openapi.json'),
      [200],
      OpenApiSchema,
    );
    const paths = Object.keys(document.paths);
    const missing = pathsUsed.filter((path) => !paths.includes(path));
    const summary = `OpenAPI ${document.openapi}, ${paths.length} paths, API version ${document.info.version}`;
    return missing.length === 0
      ? { name, outcome: 'passed', reason: summary }
      : { name, outcome: 'failed', reason: `${summary}; missing ${missing.join(', ')}` };
  } catch (error) {
    return { name, outcome: 'failed', reason: failureReason(error) };
  }
}

/** An HttpFailure's message says it all; anything else is a fault of the smoke run itself. */
export function failureReason(error: unknown): string {
  if (error instanceof HttpFailure) return error.message;
  return `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}
