// `offgate completion bash|zsh|fish`: a shell completion script, written from the command
// line's own definition (commands, options, whether an option takes a value) so that it never
// lags behind it. Values offgate knows (formats, presets, fail-on actions, Rego versions, cache
// actions) are completed as words; other values and arguments as file names.
import { PRESET_NAMES } from '../config/presets';
import { FORMAT_NAMES } from '../report/formats/index';
import { UsageError } from './errors';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface OptionSpec {
  short?: string;
  long?: string;
  description: string;
  takesValue: boolean;
}

export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Words its first argument is one of (e.g. `cache dir|info|clean`); files otherwise. */
  arguments?: readonly string[];
}

/** Words an option's value is one of, by command and long name. */
const VALUES: Record<string, Record<string, readonly string[]>> = {
  lint: { '--output': FORMAT_NAMES, '--env': PRESET_NAMES, '--fail-on': ['deny', 'warn', 'none'], '--kustomize': ['auto', 'always', 'never'] },
  compile: { '--rego-version': ['v0', 'v1'] },
  diff: { '--output': ['text', 'json'], '--from': PRESET_NAMES, '--to': PRESET_NAMES, '--env': PRESET_NAMES, '--fail-on': ['deny', 'warn', 'none'], '--kustomize': ['auto', 'always', 'never'] },
  export: { '--env': PRESET_NAMES, '--format': ['yaml', 'kustomize'] },
  merge: { '--output': FORMAT_NAMES, '--fail-on': ['deny', 'warn', 'none'] },
};

/** The words an option of `command` takes, if it takes words. */
function valuesOf(command: string, o: OptionSpec): readonly string[] | undefined {
  return o.long ? VALUES[command]?.[o.long] : undefined;
}

/** Arguments that are words, by command. */
export const COMMAND_WORDS: Record<string, readonly string[]> = {
  cache: ['dir', 'info', 'clean'],
  config: ['show'],
  completion: SHELLS,
  export: ['templates', 'expansions', 'constraints'],
};

export function completionScript(shell: string, program: string, commands: CommandSpec[]): string {
  switch (shell) {
    case 'bash':
      return bash(program, commands);
    case 'zsh':
      return zsh(program, commands);
    case 'fish':
      return fish(program, commands);
    default:
      throw new UsageError(`completion ${shell}: unknown shell (one of ${SHELLS.join(', ')})`);
  }
}

const flags = (o: OptionSpec) => [o.short, o.long].filter((f): f is string => f !== undefined);
const fn = (program: string) => `_${program.replace(/[^A-Za-z0-9_]/g, '_')}`;

function bash(program: string, commands: CommandSpec[]): string {
  const cases = commands.map((c) => {
    const valued = c.options.filter((o) => o.takesValue);
    const wordCases = valued.flatMap((o) => {
      const words = valuesOf(c.name, o);
      return words ? [`        ${flags(o).join('|')}) COMPREPLY=($(compgen -W "${words.join(' ')}" -- "$cur")); return ;;`] : [];
    });
    const fileCase = valued.filter((o) => !valuesOf(c.name, o)).flatMap(flags);
    if (fileCase.length) wordCases.push(`        ${fileCase.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
    const args = c.arguments ? `COMPREPLY=($(compgen -W "${c.arguments.join(' ')}" -- "$cur"))` : `COMPREPLY=($(compgen -f -- "$cur"))`;
    return [
      `    ${c.name})`,
      ...(wordCases.length ? [`      case "$prev" in`, ...wordCases, `      esac`] : []),
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${c.options.flatMap(flags).join(' ')}" -- "$cur")); else ${args}; fi`,
      `      ;;`,
    ].join('\n');
  });
  return `# ${program} completion for bash: add to ~/.bashrc:  source <(${program} completion bash)
${fn(program)}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')} --help --version" -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
  esac
}
complete -o filenames -F ${fn(program)} ${program}
`;
}

function zsh(program: string, commands: CommandSpec[]): string {
  const quote = (s: string) => s.replace(/\\/g, '\\\\').replace(/'/g, "'\\''").replace(/[[\]:]/g, '\\$&');
  const spec = (command: string, o: OptionSpec) => {
    const words = valuesOf(command, o);
    const value = o.takesValue ? (words ? `:value:(${words.join(' ')})` : ':file:_files') : '';
    const names = flags(o);
    const head = names.length > 1 ? `(${names.join(' ')})'{${names.join(',')}}'` : names[0];
    return `'${head}[${quote(o.description)}]${value}'`;
  };
  const cases = commands.map((c) => {
    const rest = c.arguments ? `'*:argument:(${c.arguments.join(' ')})'` : `'*:file:_files'`;
    return `    ${c.name})\n      _arguments -s ${[...c.options.map((o) => spec(c.name, o)), rest].join(' \\\n        ')} ;;`;
  });
  return `#compdef ${program}
# ${program} completion for zsh: add to ~/.zshrc:  source <(${program} completion zsh)
${fn(program)}() {
  local -a commands
  commands=(
${commands.map((c) => `    '${c.name}:${quote(c.description)}'`).join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe command commands
    return
  fi
  case "$words[2]" in
${cases.join('\n')}
  esac
}
if [[ "$funcstack[1]" == "${fn(program)}" ]]; then ${fn(program)} "$@"; else compdef ${fn(program)} ${program}; fi
`;
}

function fish(program: string, commands: CommandSpec[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    `# ${program} completion for fish: ${program} completion fish > ~/.config/fish/completions/${program}.fish`,
    `complete -c ${program} -f`,
    ...commands.map((c) => `complete -c ${program} -n __fish_use_subcommand -a ${c.name} -d ${quote(c.description)}`),
  ];
  for (const c of commands) {
    const when = `-n '__fish_seen_subcommand_from ${c.name}'`;
    lines.push(c.arguments ? `complete -c ${program} ${when} -a ${quote(c.arguments.join(' '))}` : `complete -c ${program} ${when} -F`);
    for (const o of c.options) {
      const names = [o.short ? `-s ${o.short.slice(1)}` : '', o.long ? `-l ${o.long.slice(2)}` : ''].filter(Boolean).join(' ');
      const words = valuesOf(c.name, o);
      const value = !o.takesValue ? '' : words ? ` -x -a ${quote(words.join(' '))}` : ' -r -F';
      lines.push(`complete -c ${program} ${when} ${names}${value} -d ${quote(o.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
