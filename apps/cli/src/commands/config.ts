import type { Command } from 'commander';
import { configPath, readConfig, writeConfig } from '../config';
import { CliError } from '../exit-codes';
import { printList } from '../output';
import { examples, handle } from '../command';

export function registerConfig(program: Command): void {
  const config = program.command('config').description(`Contexts: the Berth servers you signed in to (${'$XDG_CONFIG_HOME'}/berth/config.yaml)`);
  examples(config, ['berth config get-contexts', 'berth config use-context prod', 'berth config set-context --tenant payments']);

  const list = config
    .command('get-contexts')
    .description('List the contexts (tokens are never printed)')
    .option('--names', 'only the names, one a line (for scripts and completion)');
  examples(list, ['berth config get-contexts', 'berth config get-contexts -o yaml']);
  handle(list, async ({ opts }) => {
    const file = readConfig();
    const rows = Object.entries(file.contexts).map(([name, c]) => ({
      current: name === file.currentContext,
      name,
      url: c.url,
      tenant: c.tenant ?? null,
      auth: c.oidc ? `oidc (${c.oidc.issuer})` : 'api-key',
    }));
    if (opts.names) {
      if (rows.length) process.stdout.write(`${rows.map((r) => r.name).join('\n')}\n`);
      return;
    }
    printList(rows, opts.output, [
      ['CURRENT', (r) => (r.current ? '*' : ' ')],
      ['NAME', (r) => r.name],
      ['URL', (r) => r.url],
      ['TENANT', (r) => r.tenant],
      ['AUTH', (r) => r.auth],
    ]);
  });

  const use = config.command('use-context').description('Make a context the current one').argument('<name>', 'context name');
  examples(use, ['berth config use-context prod']);
  handle(use, async ({ args: [name] }) => {
    const path = configPath();
    const file = readConfig(path);
    if (!file.contexts[name]) throw new CliError(`No context "${name}"`, undefined, [`Contexts: ${Object.keys(file.contexts).join(', ') || 'none'}`]);
    file.currentContext = name;
    writeConfig(file, path);
    process.stderr.write(`Switched to context "${name}" (${file.contexts[name].url}).\n`);
  });

  const current = config.command('current-context').description('Print the current context name');
  examples(current, ['berth config current-context']);
  handle(current, async () => {
    const file = readConfig();
    if (!file.currentContext) throw new CliError('No current context: run berth login');
    process.stdout.write(`${file.currentContext}\n`);
  });

  const set = config
    .command('set-context')
    .description("Change a context's default tenant or URL (default: the current context)")
    .argument('[name]', 'context name')
    .option('--url <url>', "Berth's URL")
    .option('--unset-tenant', 'forget the default tenant');
  examples(set, ['berth config set-context --tenant payments', 'berth config set-context staging --url https://berth.staging.example.com']);
  handle(set, async ({ args: [flagName], opts }) => {
    const path = configPath();
    const file = readConfig(path);
    const name = flagName ?? opts.context ?? file.currentContext;
    const context = name ? file.contexts[name] : undefined;
    if (!name || !context) throw new CliError(`No context "${name ?? ''}"`, undefined, ['berth config get-contexts lists them']);
    if (opts.tenant) context.tenant = opts.tenant;
    if (opts.unsetTenant) delete context.tenant;
    if (opts.url) context.url = String(opts.url).replace(/\/+$/, '');
    writeConfig(file, path);
    process.stderr.write(`Context "${name}": ${context.url}, tenant ${context.tenant ?? '(none)'}.\n`);
  });

  const remove = config.command('delete-context').description('Forget a context and its credentials').argument('<name>', 'context name');
  examples(remove, ['berth config delete-context old-staging']);
  handle(remove, async ({ args: [name] }) => {
    const path = configPath();
    const file = readConfig(path);
    if (!file.contexts[name]) throw new CliError(`No context "${name}"`);
    delete file.contexts[name];
    if (file.currentContext === name) delete file.currentContext;
    writeConfig(file, path);
    process.stderr.write(`Deleted context "${name}".\n`);
  });
}
