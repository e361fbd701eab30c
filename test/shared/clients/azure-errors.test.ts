import { getOrUndefined, unlessGone } from '../../../shared/clients/azure-errors';

function restError(statusCode: number): Error {
  return Object.assign(new Error(`status ${statusCode}`), { statusCode });
}

describe('getOrUndefined', () => {
  it('answers what the read answers', async () => {
    await expect(getOrUndefined(() => Promise.resolve('row'))).resolves.toBe('row');
  });

  it('answers undefined when Azure answers 404', async () => {
    await expect(getOrUndefined(() => Promise.reject(restError(404)))).resolves.toBeUndefined();
  });

  it('passes on any other failure', async () => {
    await expect(getOrUndefined(() => Promise.reject(restError(503)))).rejects.toThrow('503');
  });
});

describe('unlessGone', () => {
  it('ignores a 404: the item is gone already', async () => {
    await expect(unlessGone(() => Promise.reject(restError(404)))).resolves.toBeUndefined();
  });

  it('passes on any other failure', async () => {
    await expect(unlessGone(() => Promise.reject(restError(412)))).rejects.toThrow('412');
  });
});
