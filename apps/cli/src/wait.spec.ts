import { Progress } from './wait';

describe('the --wait progress indicator on stderr', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints one line per state change when stderr is not a terminal', () => {
    const progress = new Progress('request 3f0c2a9e (Create payments-api)', false);
    progress.update('PendingApproval');
    progress.update('PendingApproval');
    progress.update('Approved');
    progress.update('Committed');
    progress.stop();
    expect(written).toEqual([
      'request 3f0c2a9e (Create payments-api): PendingApproval (0s)\n',
      'request 3f0c2a9e (Create payments-api): Approved (0s)\n',
      'request 3f0c2a9e (Create payments-api): Committed (0s)\n',
    ]);
  });

  it('spins on one rewritten line on a terminal and ends it with the final state', () => {
    jest.useFakeTimers();
    try {
      const progress = new Progress('request 3f0c2a9e', true);
      progress.update('Approved');
      jest.advanceTimersByTime(350);
      progress.stop();
      jest.advanceTimersByTime(500);
    } finally {
      jest.useRealTimers();
    }
    expect(written.length).toBe(5); // the state change, three frames, the final line
    const CLEAR_LINE = '\r\x1b[2K';
    expect(
      written.slice(0, 4).every((w) => w.startsWith(CLEAR_LINE) && /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] request 3f0c2a9e: Approved \(0s\)$/.test(w.slice(CLEAR_LINE.length))),
    ).toBe(true);
    expect(new Set(written.slice(0, 4).map((w) => w[5])).size).toBe(4);
    expect(written[4]).toBe('\r\x1b[2Krequest 3f0c2a9e: Approved (0s)\n');
  });
});
