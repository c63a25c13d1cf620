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

function deeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * The path of the first string (value or key) holding a NUL character. PostgreSQL can store NUL in
 * neither text nor jsonb, so such input could only fail later, as a 500; it is refused here, whatever
 * the field.
 */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return childPath;
    const found = nulPath(child, childPath);
    if (found) return found;
  }
  return undefined;
}

/** Refuses absurdly nested input and NUL characters (400) before class-transformer recurses into them. */
class BerthValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      if (deeperThan(value, MAX_INPUT_DEPTH)) {
        const message = `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
        throw new BadInputError(`Invalid input: ${metadata.type}`, [{ field: metadata.type, code: 'too-deep', message }]);
      }
      const path = nulPath(value, '');
      if (path !== undefined) {
        // Name the deepest field without NUL in its own name, and the top-level one (for map fields).
        const segments = path.split('.');
        const cut = segments.findIndex((segment) => segment.includes('\u0000'));
        const clean = (cut === -1 ? segments : segments.slice(0, cut)).join('.') || metadata.type;
        const top = cut === 0 ? metadata.type : segments[0];
        const fields = [...new Set([clean, top])];
        throw new BadInputError(
          `Invalid input: ${fields.join(', ')}`,
          fields.map((field) => ({ field, code: 'nul-character', message: `${field} must not contain NUL characters` })),
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
