import { ValidationError, ValidationPipe } from '@nestjs/common';
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

/** The global pipe: whitelist, reject unknown fields, transform, and 400 with one detail per broken field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
