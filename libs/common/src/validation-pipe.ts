import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadInputError, ErrorDetail } from './errors';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({
      field,
      code: code === 'whitelistValidation' ? 'unknown-field' : code,
      message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Deeper than any DTO goes; class-transformer recurses per level and overflows the stack on deep input. */
export const MAX_INPUT_DEPTH = 32;

/** True when `value` holds objects or arrays nested `max` levels or deeper (walked without recursion). */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The 400 for input nested deeper than {@link MAX_INPUT_DEPTH}. */
export function tooDeepError(where: string): BadInputError {
  const message = `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
  return new BadInputError(`Invalid input: ${where}`, [{ field: where, code: 'too-deep', message }]);
}

/**
 * Characters PostgreSQL can store in neither text nor jsonb: NUL, and lone UTF-16 surrogates (a JSON
 * `"\ud800"` escape parses to one; it has no UTF-8 encoding). Such input could only fail later, as a 500.
 */
const UNSTORABLE: Array<[RegExp, string, string]> = [
  // eslint-disable-next-line no-control-regex -- NUL is exactly what this refuses
  [/\u0000/, 'nul-character', 'NUL characters'],
  [/\p{Cs}/u, 'lone-surrogate', 'lone UTF-16 surrogates (text that is not valid Unicode)'],
];

function unstorable(text: string): [string, string] | undefined {
  for (const [pattern, code, what] of UNSTORABLE) if (pattern.test(text)) return [code, what];
  return undefined;
}

/** The path of the first string (value or key) PostgreSQL cannot store, and why. */
function unstorablePath(value: unknown, path: string): { path: string; code: string; what: string } | undefined {
  if (typeof value === 'string') {
    const bad = unstorable(value);
    return bad ? { path, code: bad[0], what: bad[1] } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    const bad = unstorable(key);
    if (bad) return { path: childPath, code: bad[0], what: bad[1] };
    const found = unstorablePath(child, childPath);
    if (found) return found;
  }
  return undefined;
}

/** Refuses absurdly nested input and text PostgreSQL cannot store (400) before class-transformer recurses into them. */
class BerthValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      if (deeperThan(value, MAX_INPUT_DEPTH)) throw tooDeepError(metadata.type);
      const found = unstorablePath(value, '');
      if (found !== undefined) {
        // Name the deepest field whose own name is clean, and the top-level one (for map fields).
        const segments = found.path.split('.');
        const cut = segments.findIndex((segment) => unstorable(segment) !== undefined);
        const clean = (cut === -1 ? segments : segments.slice(0, cut)).join('.') || metadata.type;
        const top = cut === 0 ? metadata.type : segments[0];
        const fields = [...new Set([clean, top])];
        throw new BadInputError(
          `Invalid input: ${fields.join(', ')}`,
          fields.map((field) => ({ field, code: found.code, message: `${field} must not contain ${found.what}` })),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/** The global pipe: whitelist, reject unknown fields, transform, and 400 with one detail per broken field. */
export function createValidationPipe(): ValidationPipe {
  return new BerthValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const fields = [...new Set(details.map((d) => d.field))].join(', ');
      return new BadInputError(`Invalid input: ${fields}`, details);
    },
  });
}
