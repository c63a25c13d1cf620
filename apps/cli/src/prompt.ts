import { createInterface } from 'node:readline';

/** Asks on stderr, reads one line from the terminal; `hidden` echoes nothing (for secrets). */
export function ask(question: string, hidden = false): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (hidden) {
    // readline echoes through _writeToOutput: let only the question itself through.
    const internal = rl as unknown as { _writeToOutput(text: string): void };
    internal._writeToOutput = (text: string) => {
      if (text.includes(question) || text === '\r\n' || text === '\n') process.stderr.write(text);
    };
  }
  return new Promise((resolve) =>
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer.trim());
    }),
  );
}

/** All of stdin (a piped secret), trimmed. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
