import { setTimeout as sleep } from 'node:timers/promises';
import type { Session } from './client';
import { ExitCode } from './exit-codes';
import { span } from './output';
import type { Namespace, NamespaceRequest } from './view';

export type Until = 'committed' | 'ready';

export interface WaitResult {
  request: NamespaceRequest;
  namespace?: Namespace;
  code: ExitCode;
  /** Why the wait ended without success (printed on stderr). */
  problem?: string;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Progress on stderr: a spinner on a terminal, else one line per state change (logs stay readable in CI). */
export class Progress {
  private state = '';
  private readonly started = Date.now();
  private frame = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly label: string,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {
    if (tty) this.timer = setInterval(() => this.draw(), 100);
  }

  private elapsed(): string {
    return span((Date.now() - this.started) / 1000);
  }

  private draw(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    process.stderr.write(`\r\x1b[2K${FRAMES[this.frame]} ${this.label}: ${this.state} (${this.elapsed()})`);
  }

  update(state: string): void {
    if (state === this.state) return;
    this.state = state;
    if (this.tty) this.draw();
    else process.stderr.write(`${this.label}: ${state} (${this.elapsed()})\n`);
  }

  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    process.stderr.write(`\r\x1b[2K${this.label}: ${this.state} (${this.elapsed()})\n`);
  }
}

/**
 * Follows a request until it is Committed (or, with `until: 'ready'`, until its namespace is Ready on the cluster),
 * polling with a growing pause (0.25 s → 2 s). Exit codes: 0 done; 1 Failed, Cancelled or timed out; 3 Rejected;
 * 4 timed out while still waiting for approval.
 */
export async function follow(session: Session, first: NamespaceRequest, until: Until, timeoutMs: number): Promise<WaitResult> {
  const deadline = Date.now() + timeoutMs;
  const progress = new Progress(`request ${first.id.slice(0, 8)} (${first.kind} ${first.namespace})`);
  let request = first;
  let pause = 250;
  const next = async () => {
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(pause * 1.5, 2000);
  };
  try {
    for (;;) {
      progress.update(request.state);
      switch (request.state) {
        case 'Failed':
          return { request, code: ExitCode.Error, problem: `Failed: ${request.lastError ?? 'no message'}` };
        case 'Rejected':
          return { request, code: ExitCode.Denied, problem: `Rejected by ${request.decidedBy ?? 'an approver'}: ${request.comment ?? ''}` };
        case 'Cancelled':
          return { request, code: ExitCode.Error, problem: `Cancelled by ${request.decidedBy ?? 'its requester'}` };
        case 'Committed':
          if (until === 'committed' || request.kind === 'Delete') return { request, code: ExitCode.Ok };
          return await followNamespace(session, request, progress, deadline);
      }
      if (Date.now() >= deadline) {
        const pending = request.state === 'PendingApproval';
        return { request, code: pending ? ExitCode.PendingApproval : ExitCode.Error, problem: `Timed out: the request is still ${request.state}` };
      }
      await next();
      request = (await session.call(session.client.GET('/v1/namespace-requests/{id}', { params: { path: { id: request.id } } }))).data;
    }
  } finally {
    progress.stop();
  }
}

/** After the commit: the namespace until Flux applied it (Ready) or failed it. */
async function followNamespace(session: Session, request: NamespaceRequest, progress: Progress, deadline: number): Promise<WaitResult> {
  let pause = 500;
  for (;;) {
    const { data: namespace } = await session.call(
      session.client.GET('/v1/tenants/{tenant}/namespaces/{name}', {
        params: { path: { tenant: request.tenant, name: request.namespace }, query: { cluster: request.cluster } },
      }),
    );
    progress.update(`namespace ${namespace.state}`);
    if (namespace.state === 'Ready') return { request, namespace, code: ExitCode.Ok };
    if (namespace.state === 'Failed') return { request, namespace, code: ExitCode.Error, problem: `Failed on the cluster: ${namespace.lastError ?? ''}` };
    if (Date.now() >= deadline) return { request, namespace, code: ExitCode.Error, problem: `Timed out: the namespace is still ${namespace.state}` };
    await sleep(Math.min(pause, Math.max(0, deadline - Date.now())));
    pause = Math.min(pause * 1.5, 3000);
  }
}
