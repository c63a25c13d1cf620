/** What a wait that ran out of time throws: the SQLSTATE of a lock wait that did (mapped to 503 busy). */
export class GateTimeoutError extends Error {
  readonly code = '55P03';
}

interface Line {
  inside: number;
  waiting: Array<{ enter: () => void }>;
}

/**
 * At most `width` holders per key at once in this process; the others wait in the key's own line (first
 * come, first served) holding nothing. The tenant units use it so that a burst on one tenant, which
 * serializes on that tenant's row lock anyway, does not sit on every pooled database connection while
 * it waits, leaving other tenants' requests queued behind it.
 */
export class KeyedGate {
  private readonly lines = new Map<string, Line>();

  constructor(
    private readonly width: number,
    /** How long a caller may wait in line before GateTimeoutError. */
    private readonly maxWaitMs: number,
  ) {}

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.enter(key);
    try {
      return await work();
    } finally {
      this.leave(key);
    }
  }

  private enter(key: string): Promise<void> {
    let line = this.lines.get(key);
    if (!line) this.lines.set(key, (line = { inside: 0, waiting: [] }));
    if (line.inside < this.width) {
      line.inside++;
      return Promise.resolve();
    }
    const queue = line.waiting;
    return new Promise<void>((resolve, reject) => {
      const place = {
        enter: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(place), 1);
        reject(new GateTimeoutError(`waited ${this.maxWaitMs} ms in line for "${key}"`));
      }, this.maxWaitMs);
      queue.push(place);
    });
  }

  /** The next in line takes the place (the count stays); the last one out removes the line. */
  private leave(key: string): void {
    const line = this.lines.get(key)!;
    const next = line.waiting.shift();
    if (next) return next.enter();
    line.inside--;
    if (line.inside === 0) this.lines.delete(key);
  }
}
