import { Argument, type Command, type Option } from 'commander';
import { UsageError } from '../exit-codes';
import { examples, handle } from '../command';

/** One command of the tree as completion needs it: its path of canonical names, its words and option values. */
export interface CompletionNode {
  /** `berth`, `berth ns`, `berth ns request` … */
  path: string;
  /** Every name (with aliases) reaching this node from its parent. */
  names: string[];
  subcommands: Array<{ name: string; description: string }>;
  options: Array<{ flags: string[]; description: string; takesValue: boolean; choices?: string[] }>;
}

const optionInfo = (o: Option) => ({
  flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
  description: o.description,
  takesValue: o.required || o.optional,
  choices: o.argChoices,
});

/** Walks commander's tree: the program's options apply to every command. */
export function completionTree(program: Command): CompletionNode[] {
  const globals = program.options.map(optionInfo);
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: string, names: string[]) => {
    const visible = command.commands.filter((c) => c.name() !== 'help');
    nodes.push({
      path,
      names,
      subcommands: visible.map((c) => ({ name: c.name(), description: c.description() })),
      options: [
        ...(command === program ? [] : command.options.map(optionInfo)),
        ...globals,
        { flags: ['-h', '--help'], description: 'show help', takesValue: false },
      ],
    });
    for (const child of visible) visit(child, `${path} ${child.name()}`, [child.name(), ...child.aliases()]);
  };
  visit(program, program.name(), []);
  return nodes;
}

const words = (node: CompletionNode) => [...node.subcommands.map((s) => s.name), ...node.options.flatMap((o) => o.flags)].join(' ');
const parentOf = (path: string) => path.slice(0, path.lastIndexOf(' '));
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** `case` arms moving `cmdpath` down one command (aliases land on the canonical path). */
function steps(nodes: CompletionNode[], indent: string, arm: (patterns: string[], target: string) => string): string {
  return nodes
    .filter((n) => n.names.length)
    .map(
      (n) =>
        indent +
        arm(
          n.names.map((name) => `${parentOf(n.path)} ${name}`),
          n.path,
        ),
    )
    .join('\n');
}

/** Option values: `--output` → table json yaml; `--context` → the saved contexts. */
function valueArms(nodes: CompletionNode[], indent: string, arm: (pattern: string, values: string) => string): string {
  const arms: string[] = [];
  for (const node of nodes) {
    for (const option of node.options) {
      if (!option.takesValue) continue;
      const values = option.choices?.join(' ') ?? (option.flags.includes('--context') ? '$(berth config get-contexts --names 2>/dev/null)' : '');
      for (const flag of option.flags) arms.push(indent + arm(`${node.path}|${flag}`, values));
    }
  }
  return arms.join('\n');
}

export function bashScript(nodes: CompletionNode[]): string {
  return `# berth completion for bash. Load it with: source <(berth completion bash)
# or install it: berth completion bash > /etc/bash_completion.d/berth
_berth_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmdpath="berth" word i values
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$word" in -*) continue ;; esac
    case "$cmdpath $word" in
${steps(nodes, '      ', (patterns, target) => `${patterns.map((p) => `"${p}"`).join('|')}) cmdpath="${target}" ;;`)}
    esac
  done
  case "$cmdpath|$prev" in
${valueArms(nodes, '    ', (pattern, values) => `"${pattern}") COMPREPLY=($(compgen -W "${values}" -- "$cur")); return ;;`)}
  esac
  case "$cmdpath" in
${nodes.map((n) => `    "${n.path}") values="${words(n)}" ;;`).join('\n')}
  esac
  COMPREPLY=($(compgen -W "$values" -- "$cur"))
}
complete -F _berth_completion berth
`;
}

export function zshScript(nodes: CompletionNode[]): string {
  return `#compdef berth
# berth completion for zsh. Load it with: source <(berth completion zsh)
# or install it as _berth in a folder of $fpath.
_berth() {
  local cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}" cmdpath="berth" word i
  for ((i = 2; i < CURRENT; i++)); do
    word="\${words[i]}"
    [[ "$word" == -* ]] && continue
    case "$cmdpath $word" in
${steps(nodes, '      ', (patterns, target) => `${patterns.map((p) => `"${p}"`).join('|')}) cmdpath="${target}" ;;`)}
    esac
  done
  case "$cmdpath|$prev" in
${valueArms(nodes, '    ', (pattern, values) => `"${pattern}") compadd -- ${values}; return ;;`)}
  esac
  case "$cmdpath" in
${nodes
  .map((n) => {
    const described = [...n.subcommands.map((s) => `${s.name}:${s.description}`), ...n.options.flatMap((o) => o.flags.map((f) => `${f}:${o.description}`))];
    return `    "${n.path}") local -a items=(${described.map(quote).join(' ')}); _describe 'berth' items ;;`;
  })
  .join('\n')}
  esac
}
if [[ "\${funcstack[1]}" == "_berth" ]]; then _berth "$@"; else compdef _berth berth; fi
`;
}

export function fishScript(nodes: CompletionNode[]): string {
  const lines = [
    '# berth completion for fish. Load it with: berth completion fish | source',
    '# or install it: berth completion fish > ~/.config/fish/completions/berth.fish',
    'function __berth_path',
    '    set -l cmdpath berth',
    '    for word in (commandline -opc)[2..-1]',
    "        string match -q -- '-*' $word; and continue",
    '        switch "$cmdpath $word"',
    ...nodes
      .filter((n) => n.names.length)
      .map((n) => `            case ${n.names.map((name) => quote(`${parentOf(n.path)} ${name}`)).join(' ')}\n                set cmdpath ${quote(n.path)}`),
    '        end',
    '    end',
    '    echo $cmdpath',
    'end',
    'complete -c berth -f',
  ];
  for (const node of nodes) {
    const when = `-n ${quote(`test (__berth_path) = ${quote(node.path)}`)}`;
    for (const sub of node.subcommands) lines.push(`complete -c berth ${when} -a ${quote(sub.name)} -d ${quote(sub.description)}`);
    for (const option of node.options) {
      const flags = option.flags.map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : `-s ${f.slice(1)}`)).join(' ');
      const value = option.choices ? ` -x -a ${quote(option.choices.join(' '))}` : option.takesValue ? ' -r' : '';
      lines.push(`complete -c berth ${when} ${flags}${value} -d ${quote(option.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function registerCompletion(program: Command): void {
  const completion = program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish) for every berth command and option')
    .addArgument(new Argument('<shell>', 'shell').choices(['bash', 'zsh', 'fish']));
  examples(completion, [
    'source <(berth completion bash)                       # bash, this shell',
    'berth completion bash > /etc/bash_completion.d/berth  # bash, everyone',
    'berth completion zsh > "${fpath[1]}/_berth"            # zsh',
    'berth completion fish > ~/.config/fish/completions/berth.fish',
  ]);
  handle(completion, async ({ args: [shell] }) => {
    const nodes = completionTree(program);
    const script = shell === 'bash' ? bashScript(nodes) : shell === 'zsh' ? zshScript(nodes) : shell === 'fish' ? fishScript(nodes) : undefined;
    if (!script) throw new UsageError(`Unknown shell ${shell}`);
    process.stdout.write(script);
  });
}
