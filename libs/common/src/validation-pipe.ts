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

/** Refuses absurdly nested bodies and queries (400) before class-transformer recurses into them. */
class BerthValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata) {
    if ((metadata.type === 'body' || metadata.type === 'query') && deeperThan(value, MAX_INPUT_DEPTH)) {
      const message = `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
      throw new BadInputError(`Invalid input: ${metadata.type}`, [{ field: metadata.type, code: 'too-deep', message }]);
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
