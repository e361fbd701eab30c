import { RouteTable } from '../../../local/host/route-table';

describe('RouteTable', () => {
  const table = new RouteTable<string>();
  table.add('api/items/{id}', ['GET', 'PUT'], 'item');
  table.add('api/items/search', ['GET'], 'search');
  table.add('api/orders/{id:int}', ['GET'], 'order');
  table.add('api/orders/{slug}', ['GET'], 'orderBySlug');
  table.add('api/files/{*path}', undefined, 'files');
  table.add('api/optional/{name?}', ['GET'], 'optional');

  it('matches literal segments case-insensitively and decodes parameters', () => {
    expect(table.match('get', '/API/Items/a%20b')).toEqual({
      kind: 'found',
      target: 'item',
      params: { id: 'a b' },
    });
  });

  it('prefers the most specific route', () => {
    expect(table.match('GET', '/api/items/search')).toMatchObject({ target: 'search' });
    expect(table.match('GET', '/api/orders/12')).toMatchObject({
      target: 'order',
      params: { id: '12' },
    });
    expect(table.match('GET', '/api/orders/twelve')).toMatchObject({ target: 'orderBySlug' });
  });

  it('takes the rest of the path for a catch-all and accepts any method when none is listed', () => {
    expect(table.match('DELETE', '/api/files/a/b/c.txt')).toMatchObject({
      params: { path: 'a/b/c.txt' },
    });
  });

  it('matches with and without an optional parameter', () => {
    expect(table.match('GET', '/api/optional')).toMatchObject({ target: 'optional', params: {} });
    expect(table.match('GET', '/api/optional/x')).toMatchObject({ params: { name: 'x' } });
  });

  it('tells a wrong method from an unknown path, and never throws on bad encoding', () => {
    expect(table.match('DELETE', '/api/items/1')).toEqual({
      kind: 'methodNotAllowed',
      allowed: ['GET', 'PUT'],
    });
    expect(table.match('GET', '/api/nothing')).toEqual({ kind: 'notFound' });
    expect(table.match('GET', '/api/items/%E0%A4%A')).toEqual({ kind: 'notFound' });
  });

  it('rejects templates it cannot honour', () => {
    expect(() => new RouteTable().add('api/{id:regex}', undefined, 'x')).toThrow(
      /unknown constraint/,
    );
    expect(() => new RouteTable().add('api/a{id}', undefined, 'x')).toThrow(
      /not a supported template/,
    );
  });
});
