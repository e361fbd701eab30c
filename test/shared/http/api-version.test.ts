import { ValidationError } from '../../../shared/errors';
import {
  currentApiVersion,
  requestedApiVersion,
  supportedApiVersions,
} from '../../../shared/http/api-version';

const request = (query: string) => ({ query: new URLSearchParams(query) });

describe('requestedApiVersion', () => {
  it('is the current version when the request names none', () => {
    expect(requestedApiVersion(request('top=2'))).toBe(currentApiVersion);
    expect(supportedApiVersions[0]).toBe(currentApiVersion);
  });

  it('is a supported version the request names', () => {
    expect(requestedApiVersion(request(`api-version=${currentApiVersion}`))).toBe(
      currentApiVersion,
    );
  });

  it.each([
    ['api-version=2020-01-01'],
    ['api-version='],
    [`api-version=${currentApiVersion}&api-version=2020-01-01`],
  ])('refuses %s with 400 naming the supported versions and the parameter', (query) => {
    let thrown: unknown;
    try {
      requestedApiVersion(request(query));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    const error = thrown as ValidationError;
    expect(error.status).toBe(400);
    expect(error.options.target).toBe('api-version');
    expect(error.message).toContain(supportedApiVersions.join(', '));
    // The caller's value is never repeated.
    expect(error.message).not.toContain('2020-01-01');
  });
});
