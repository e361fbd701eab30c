/**
 * HTTP trigger routes as the Functions host matches them (ASP.NET route templates): literal
 * segments are case-insensitive, `{id}` takes one segment, `{id?}` may be absent, `{*rest}` takes
 * the remainder, and `{id:int}`-style constraints must hold. When several routes match, the most
 * specific wins (literal before constrained before plain parameter before catch-all).
 */

type Segment =
  | { kind: 'literal'; text: string }
  | { kind: 'parameter'; name: string; optional: boolean; constraint?: string }
  | { kind: 'catchAll'; name: string };

export interface Route<T> {
  template: string;
  methods: ReadonlySet<string> | undefined;
  target: T;
  segments: Segment[];
}

export type RouteMatch<T> =
  | { kind: 'found'; target: T; params: Record<string, string> }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allowed: string[] };

const constraints: Record<string, (value: string) => boolean> = {
  int: (value) => /^-?\d+$/.test(value),
  long: (value) => /^-?\d+$/.test(value),
  bool: (value) => /^(true|false)$/i.test(value),
  guid: (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
  alpha: (value) => /^[a-z]+$/i.test(value),
  double: (value) => value.trim() !== '' && Number.isFinite(Number(value)),
};

function parseSegment(text: string, template: string): Segment {
  const match = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+))?(\?)?\}$/.exec(text);
  if (!match) {
    if (text.includes('{') || text.includes('}')) {
      throw new Error(`Route "${template}": segment "${text}" is not a supported template`);
    }
    return { kind: 'literal', text: text.toLowerCase() };
  }
  const [, star, name = '', constraint, optional] = match;
  if (star) return { kind: 'catchAll', name };
  if (constraint && !constraints[constraint]) {
    throw new Error(`Route "${template}": unknown constraint "${constraint}"`);
  }
  return { kind: 'parameter', name, optional: optional === '?', constraint };
}

function rank(segment: Segment): number {
  if (segment.kind === 'literal') return 0;
  if (segment.kind === 'catchAll') return 4;
  if (segment.optional) return 3;
  return segment.constraint ? 1 : 2;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '');
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const part = parts[index];
    if (segment.kind === 'catchAll') {
      params[segment.name] = parts.slice(index).map(decodeURIComponent).join('/');
      return params;
    }
    if (part === undefined) {
      return segment.kind === 'parameter' && segment.optional ? params : undefined;
    }
    const value = decodeURIComponent(part);
    if (segment.kind === 'literal') {
      if (value.toLowerCase() !== segment.text) return undefined;
      continue;
    }
    if (segment.constraint && !constraints[segment.constraint]?.(value)) return undefined;
    params[segment.name] = value;
  }
  return parts.length === segments.length ? params : undefined;
}

function compareSpecificity<T>(a: Route<T>, b: Route<T>): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index++) {
    const left = a.segments[index];
    const right = b.segments[index];
    const difference = (left ? rank(left) : 5) - (right ? rank(right) : 5);
    if (difference !== 0) return difference;
  }
  return 0;
}

export class RouteTable<T> {
  #routes: Route<T>[] = [];

  add(template: string, methods: string[] | undefined, target: T): void {
    const segments = splitPath(template).map((text) => parseSegment(text, template));
    const methodSet = methods?.length ? new Set(methods.map((m) => m.toUpperCase())) : undefined;
    this.#routes.push({ template, methods: methodSet, target, segments });
    this.#routes.sort(compareSpecificity);
  }

  get routes(): readonly Route<T>[] {
    return this.#routes;
  }

  match(method: string, path: string): RouteMatch<T> {
    let parts: string[];
    try {
      parts = splitPath(path);
      const allowed = new Set<string>();
      for (const route of this.#routes) {
        const params = matchSegments(route.segments, parts);
        if (!params) continue;
        if (!route.methods || route.methods.has(method.toUpperCase())) {
          return { kind: 'found', target: route.target, params };
        }
        route.methods.forEach((m) => allowed.add(m));
      }
      return allowed.size
        ? { kind: 'methodNotAllowed', allowed: [...allowed] }
        : { kind: 'notFound' };
    } catch {
      // A malformed percent-encoding cannot match any route.
      return { kind: 'notFound' };
    }
  }
}
