import { Command } from 'commander';

const program = new Command('berth').description('Berth: self-service Kubernetes namespaces from the command line');
program.parseAsync(process.argv).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
