import { readFileSync } from 'node:fs';
import { parseBicep, type Node } from './bicep-parser';

/**
 * The declarations of one Bicep file, read from its syntax tree, and a small evaluator for the
 * expressions the contract checks need (literals, variables, parameters, member access, loops and
 * a few functions). Whatever it cannot know before deployment, such as a resource's property, it
 * returns as `Unresolved` with the expression's text, so a check can still look at that text.
 */

export class Unresolved {
  constructor(readonly text: string) {}
}

export type Value =
  string | number | boolean | null | Unresolved | Value[] | { [key: string]: Value };

export interface Parameter {
  name: string;
  type: string;
  defaultValue?: Node;
  decorators: string[];
  node: Node;
}

export interface Declaration {
  symbol: string;
  /** For a resource, its type with API version; for a module, its path. */
  target: string;
  existing: boolean;
  /** The body object (inside any loop or condition). */
  body: Node;
  loop?: { variable: string; source: Node };
  condition?: Node;
  node: Node;
}

export interface Output {
  name: string;
  type: string;
  value: Node;
}

export class BicepFile {
  readonly params = new Map<string, Parameter>();
  readonly variables = new Map<string, Node>();
  readonly resources: Declaration[] = [];
  readonly modules: Declaration[] = [];
  readonly outputs: Output[] = [];

  constructor(
    readonly file: string,
    readonly root: Node,
  ) {
    for (const statement of root.namedChildren) this.#read(statement);
  }

  #read(statement: Node): void {
    const named = statement.namedChildren;
    const first = named[0]?.text ?? '';
    switch (statement.type) {
      case 'parameter_declaration':
        this.params.set(first, {
          name: first,
          type: named[1]?.text ?? '',
          defaultValue: named[2],
          decorators: decoratorsBefore(statement),
          node: statement,
        });
        break;
      case 'variable_declaration':
        if (named[1]) this.variables.set(first, named[1]);
        break;
      case 'resource_declaration':
        this.resources.push(declaration(statement));
        break;
      case 'module_declaration':
        this.modules.push(declaration(statement));
        break;
      case 'output_declaration':
        if (named[2])
          this.outputs.push({ name: first, type: named[1]?.text ?? '', value: named[2] });
        break;
    }
  }

  /** Resources declared at the top level or nested in another resource's body. */
  allResources(): Declaration[] {
    const nested = (outer: Declaration): Declaration[] => {
      const outerType = outer.target.split('@')[0] ?? '';
      const inner = outer.body.namedChildren
        .filter((child) => child.type === 'object_property')
        .map((child) => child.namedChildren[0])
        .filter((child) => child?.type === 'resource_declaration')
        .map((child) => {
          const found = declaration(child as Node);
          // A nested resource names its type relative to its parent's.
          return { ...found, target: `${outerType}/${found.target}` };
        });
      return [outer, ...inner.flatMap(nested)];
    };
    return this.resources.flatMap(nested);
  }

  resourcesOfType(typePrefix: string): Declaration[] {
    return this.allResources().filter(
      (resource) => resource.target.split('@')[0]?.toLowerCase() === typePrefix.toLowerCase(),
    );
  }
}

function declaration(statement: Node): Declaration {
  const named = statement.namedChildren;
  const symbol = named[0]?.text ?? '';
  const target = named[1] ? stringLiteral(named[1]) : '';
  let body = named[named.length - 1] ?? statement;
  const existing = statement.children.some((child) => child.type === 'existing');
  let loop: Declaration['loop'];
  let condition: Node | undefined;
  if (body.type === 'for_statement') {
    // [for item in source: {...}] or [for (item, index) in source: {...}]
    const [variable, source, loopBody] = body.namedChildren;
    const name =
      variable?.type === 'for_loop_parameters'
        ? (variable.namedChildren.find((part) => part.type === 'loop_variable')?.text ?? '')
        : (variable?.text ?? '');
    if (source && loopBody) {
      loop = { variable: name, source };
      body = loopBody;
    }
  }
  if (body.type === 'if_statement') {
    condition = body.namedChildren[0] ?? undefined;
    body = body.namedChildren[1] ?? body;
  }
  return { symbol, target, existing, body, loop, condition, node: statement };
}

function decoratorsBefore(statement: Node): string[] {
  const previous = statement.previousNamedSibling;
  if (previous?.type !== 'decorators') return [];
  return previous.namedChildren.map((decorator) => decorator.text);
}

export interface Property {
  key: string;
  value: Node;
  node: Node;
  /** A comment that ends the property's first line, if any, without its slashes. */
  trailingComment?: string;
}

/** The properties of an object node, in order. */
export function properties(object: Node): Property[] {
  if (object.type !== 'object') return [];
  const found: Property[] = [];
  for (const child of object.namedChildren) {
    if (child.type !== 'object_property') continue;
    const [keyNode, value] = child.namedChildren;
    if (!keyNode || !value) continue;
    const key = keyNode.type === 'string' ? stringLiteral(keyNode) : keyNode.text;
    const next = child.nextNamedSibling;
    const trailingComment =
      next?.type === 'comment' && next.startPosition.row === child.startPosition.row
        ? next.text.replace(/^\/\/\s*/, '').trim()
        : undefined;
    found.push({ key, value, node: child, trailingComment });
  }
  return found;
}

export function property(object: Node, key: string): Node | undefined {
  return properties(object).find((candidate) => candidate.key === key)?.value;
}

/** The value of a string node without interpolations; interpolations keep their `${...}` text. */
export function stringLiteral(node: Node): string {
  if (node.type !== 'string') return node.text;
  return node.namedChildren
    .map((part) => (part.type === 'string_content' ? part.text : unescape(part)))
    .join('');
}

function unescape(part: Node): string {
  if (part.type !== 'escape_sequence') return part.text;
  const escaped: Record<string, string> = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\$': '$' };
  return escaped[part.text] ?? part.text;
}

export async function readBicepFile(file: string): Promise<BicepFile> {
  return new BicepFile(file, await parseBicep(readFileSync(file, 'utf8')));
}

/** What identifiers mean while evaluating: parameter values given by the caller, loop variables. */
export interface Scope {
  file: BicepFile;
  params: Record<string, Value>;
  locals?: Record<string, Value>;
  /** Stand-ins for functions the evaluator does not know, such as subscription(). */
  functions?: Record<string, (args: Value[]) => Value>;
}

const functions: Record<string, (args: Value[]) => Value> = {
  string: ([value]) => (typeof value === 'string' ? value : JSON.stringify(value)),
  toLower: ([value]) => (typeof value === 'string' ? value.toLowerCase() : unresolvable),
  toUpper: ([value]) => (typeof value === 'string' ? value.toUpperCase() : unresolvable),
  empty: ([value]) =>
    typeof value === 'string' || Array.isArray(value)
      ? value.length === 0
      : value !== null && typeof value === 'object' && !(value instanceof Unresolved)
        ? Object.keys(value).length === 0
        : unresolvable,
  union: (values) =>
    values.every(isPlainObject)
      ? values.reduce<Record<string, Value>>((merged, value) => ({ ...merged, ...value }), {})
      : unresolvable,
  take: ([value, count]) =>
    typeof value === 'string' && typeof count === 'number' ? value.slice(0, count) : unresolvable,
};

const unresolvable = new Unresolved('');

function isPlainObject(value: Value): value is { [key: string]: Value } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Unresolved)
  );
}

export function isUnresolved(value: Value): value is Unresolved {
  return value instanceof Unresolved;
}

/** Evaluates an expression node; anything unknown before deployment comes back as Unresolved. */
export function evaluate(node: Node, scope: Scope): Value {
  const value = evaluateNode(node, scope);
  return value === unresolvable ? new Unresolved(node.text) : value;
}

function evaluateNode(node: Node, scope: Scope): Value {
  const named = node.namedChildren;
  switch (node.type) {
    case 'string': {
      const parts = named.map((part) =>
        part.type === 'interpolation' && part.namedChildren[0]
          ? evaluate(part.namedChildren[0], scope)
          : part.type === 'string_content'
            ? part.text
            : unescape(part),
      );
      return parts.every((part) => typeof part === 'string' || typeof part === 'number')
        ? parts.join('')
        : new Unresolved(node.text);
    }
    case 'number':
      return Number(node.text);
    case 'boolean':
      return node.text === 'true';
    case 'null':
      return null;
    case 'array':
      return named.filter((item) => item.type !== 'comment').map((item) => evaluate(item, scope));
    case 'object':
      return Object.fromEntries(
        properties(node).map(({ key, value }) => [key, evaluate(value, scope)]),
      );
    case 'parenthesized_expression':
      return named[0] ? evaluate(named[0], scope) : unresolvable;
    case 'identifier':
      return lookUp(node.text, scope);
    case 'member_expression': {
      const object = node.childForFieldName('object');
      const key = node.childForFieldName('property')?.text ?? '';
      const value = object ? evaluate(object, scope) : unresolvable;
      return isPlainObject(value) && key in value ? (value[key] ?? null) : unresolvable;
    }
    case 'call_expression': {
      const name = node.childForFieldName('function')?.text ?? '';
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).map((arg) =>
        evaluate(arg, scope),
      );
      const implementation = scope.functions?.[name] ?? functions[name];
      if (!implementation || args.some(isUnresolved)) return unresolvable;
      return implementation(args);
    }
    case 'unary_expression': {
      const argument = node.childForFieldName('argument');
      const value = argument ? evaluate(argument, scope) : unresolvable;
      return typeof value === 'boolean' ? !value : unresolvable;
    }
    case 'binary_expression': {
      const left = node.childForFieldName('left');
      const right = node.childForFieldName('right');
      const operator = node.children.find((child) => !child.isNamed)?.text;
      const a = left ? evaluate(left, scope) : unresolvable;
      const b = right ? evaluate(right, scope) : unresolvable;
      if (typeof a !== 'number' || typeof b !== 'number') return unresolvable;
      const arithmetic = arithmeticOperators[operator ?? ''];
      return arithmetic ? arithmetic(a, b) : unresolvable;
    }
    case 'ternary_expression': {
      const condition = node.childForFieldName('condition');
      const value = condition ? evaluate(condition, scope) : unresolvable;
      if (typeof value !== 'boolean') return unresolvable;
      const branch = node.childForFieldName(value ? 'consequence' : 'alternative');
      return branch ? evaluate(branch, scope) : unresolvable;
    }
    default:
      return unresolvable;
  }
}

/** Bicep's integer arithmetic (division truncates, as in ARM's div()). */
const arithmeticOperators: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => Math.trunc(a / b),
  '%': (a, b) => a % b,
};

function lookUp(name: string, scope: Scope): Value {
  if (scope.locals && name in scope.locals) return scope.locals[name] ?? null;
  if (name in scope.params) return scope.params[name] ?? null;
  const parameter = scope.file.params.get(name);
  if (parameter?.defaultValue) return evaluate(parameter.defaultValue, scope);
  const variable = scope.file.variables.get(name);
  if (variable) return evaluate(variable, scope);
  return unresolvable;
}

/** Each iteration of a declaration: one scope for a plain one, one per item for a loop. */
export function iterations(declaration: Declaration, scope: Scope): Scope[] {
  if (!declaration.loop) return [scope];
  const items = evaluate(declaration.loop.source, scope);
  if (!Array.isArray(items)) return [];
  return items.map((item) => ({
    ...scope,
    locals: { ...scope.locals, [declaration.loop?.variable ?? '']: item },
  }));
}

/** Every node of a type under a node (comments are nodes too, and never match code types). */
export function descendantsOfType(node: Node, type: string): Node[] {
  const found: Node[] = [];
  const visit = (current: Node): void => {
    if (current.type === type) found.push(current);
    current.namedChildren.forEach(visit);
  };
  visit(node);
  return found;
}

/** `file:line` of a node, for problem messages. */
export function where(file: string, node: Node): string {
  return `${file}:${node.startPosition.row + 1}`;
}
