import type { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Level, Logger as Pino } from 'pino';

export type LogFormat = 'json' | 'pretty';
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Default: pretty when stdout is a terminal, JSON lines otherwise (files, pipes, log collectors). */
  format?: LogFormat;
  /** Default: stdout. Tests pass a stream to capture lines. */
  destination?: DestinationStream;
}

/**
 * Never logged, whatever a caller passes as fields: credentials in headers. (Request logs carry no headers; this is
 * the belt to that braces.)
 */
const REDACT = ['authorization', 'cookie', 'x-api-key', '*.authorization', '*.cookie', '*["x-api-key"]', '*.*.authorization', '*.*.cookie', '*.*["x-api-key"]'];

/** pino-pretty is a development dependency: a production image without it writes JSON. */
function prettyStream(): DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (options: object) => DestinationStream;
    return pretty({
      colorize: Boolean(process.stdout.isTTY),
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    });
  } catch {
    return undefined;
  }
}

export function createPino(options: JsonLoggerOptions = {}): Pino {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const destination = options.destination ?? (format === 'pretty' ? prettyStream() : undefined) ?? pino.destination({ sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}

const CONTEXT = /^[A-Za-z][\w.-]{0,63}$/;

/**
 * Nest's LoggerService on pino: every `new Logger(X.name).log(...)` in the codebase becomes one JSON line with
 * `level`, `time`, `context` (X.name) and `msg`. An object message is merged into the line as fields (request logs).
 */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    // Nest passes the context last (`logger.error(message, stack, context)`), as a string.
    const rest = [...params];
    const context = typeof rest[rest.length - 1] === 'string' && CONTEXT.test(rest[rest.length - 1] as string) ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    for (const extra of rest) {
      if (typeof extra === 'string' && extra.length > 0) fields.stack = extra;
      else if (extra instanceof Error) fields.err = extra;
    }
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message !== null && typeof message === 'object') {
      const { msg, ...rest } = message as Record<string, unknown>;
      this.pino[level]({ ...fields, ...rest }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

/**
 * Reads BERTH_LOG_LEVEL / BERTH_LOG_FORMAT with a fallback level. Called before the environment is validated (so
 * that validation errors are logged as JSON too): a bad value is refused here with the same message.
 */
export function jsonLoggerFromEnv(fallbackLevel: LogLevel, destination?: DestinationStream): JsonLogger {
  const level = process.env.BERTH_LOG_LEVEL || fallbackLevel;
  const format = process.env.BERTH_LOG_FORMAT || undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`BERTH_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  if (format !== undefined && format !== 'json' && format !== 'pretty') throw new Error('BERTH_LOG_FORMAT must be json or pretty');
  return new JsonLogger(createPino({ level: level as LogLevel, format, destination }));
}
