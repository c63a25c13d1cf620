import { Command, Option } from 'commander';
import { cliVersion } from './client';
import { registerCompletion } from './commands/completion';
import { registerConfig } from './commands/config';
import { registerFleet } from './commands/fleet';
import { registerKeys } from './commands/keys';
import { registerLogin } from './commands/login';
import { registerNamespaces } from './commands/namespaces';
import { registerPreviews } from './commands/previews';
import { registerRequests } from './commands/requests';
import { registerTenants } from './commands/tenants';
import { registerUsage } from './commands/usage';
import { examples } from './command';
import { EXIT_CODES_HELP } from './exit-codes';
import { FORMATS } from './output';

const ENVIRONMENT_HELP = `Environment:
  BERTH_URL, BERTH_TOKEN  server and API key/token without any config file (CI); either alone overrides the context's
  BERTH_CONTEXT           context to use instead of the current one
  BERTH_TENANT            default tenant
  XDG_CONFIG_HOME         config in $XDG_CONFIG_HOME/berth/config.yaml (default ~/.config/berth), mode 0600`;

/** The whole command tree; `berth completion` walks it, so every command here is completed. */
export function buildProgram(): Command {
  const program = new Command('berth')
    .description('Berth: self-service Kubernetes namespaces from the command line')
    .version(cliVersion(), '-V, --version')
    .addOption(new Option('-o, --output <format>', 'output format').choices(FORMATS).default('table'))
    .option('--context <name>', 'context (Berth server) to use; default: the current one')
    .option('-t, --tenant <tenant>', "tenant; default: the context's tenant")
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  program.addHelpText('after', `\n${EXIT_CODES_HELP}\n\n${ENVIRONMENT_HELP}`);
  examples(program, [
    'berth login https://berth.example.com',
    'berth ns request payments-api --cluster prod-eu-1 --tier small --wait',
    'berth requests ls --state PendingApproval',
    'berth completion bash > /etc/bash_completion.d/berth',
  ]);
  registerLogin(program);
  registerTenants(program);
  registerNamespaces(program);
  registerRequests(program);
  registerUsage(program);
  registerPreviews(program);
  registerFleet(program);
  registerKeys(program);
  registerConfig(program);
  registerCompletion(program);
  return program;
}
