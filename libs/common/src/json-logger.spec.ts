import { Writable } from 'node:stream';
import { createPino, JsonLogger, jsonLoggerFromEnv } from './json-logger';

function captured(level: 'info' | 'warn' = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: new JsonLogger(createPino({ level, format: 'json', destination })), lines };
}

describe('JsonLogger', () => {
  it('maps Nest calls (message, ...params, context) to one line with level, context and msg', () => {
    const { logger, lines } = captured();
    logger.log('fleet writer running for ssh://***@git/fleet.git (main)', 'BerthWorker');
    logger.error('boom', 'Error: boom\n    at x (y.js:1:1)', 'FleetWriter');
    logger.warn({ msg: 'slow', durationMs: 1200 }, 'HTTP');
    logger.debug('hidden below info', 'X');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', context: 'BerthWorker', msg: 'fleet writer running for ssh://***@git/fleet.git (main)' }),
      expect.objectContaining({ level: 'error', context: 'FleetWriter', msg: 'boom', stack: expect.stringContaining('at x') }),
      expect.objectContaining({ level: 'warn', context: 'HTTP', msg: 'slow', durationMs: 1200 }),
    ]);
  });

  it('refuses an unknown BERTH_LOG_LEVEL or BERTH_LOG_FORMAT with the variable named', () => {
    const saved = { level: process.env.BERTH_LOG_LEVEL, format: process.env.BERTH_LOG_FORMAT };
    try {
      process.env.BERTH_LOG_LEVEL = 'verbose';
      expect(() => jsonLoggerFromEnv('info')).toThrow(/BERTH_LOG_LEVEL must be one of trace, debug, info/);
      process.env.BERTH_LOG_LEVEL = 'warn';
      process.env.BERTH_LOG_FORMAT = 'xml';
      expect(() => jsonLoggerFromEnv('info')).toThrow(/BERTH_LOG_FORMAT must be json or pretty/);
    } finally {
      for (const [key, value] of [
        ['BERTH_LOG_LEVEL', saved.level],
        ['BERTH_LOG_FORMAT', saved.format],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
