// `offgate explain` as library functions. With a message: the denials read from what the
// cluster said, the manifests linted as `offgate lint` lints them (same environment, same
// --policy), each denial matched to the findings it is about. With a name: the rule
// explained, its examples judged under the same constraints.
import { loadConfig } from '../config/load';
import { constraintName as offgateConstraintName, isRestriction, type Config } from '../config/model';
import { routesByPath } from '../config/paths';
import { isPreset } from '../config/presets';
import { bundledTemplateByKind } from '../gatekeeper/library';
import { lint, type AppliedPolicy, type LintOptions } from '../lint/lint';
import type { Finding, Report } from '../report/model';
import { parseDenials, type Denial } from './denials';
import { matchDenials, type DenialMatch, type Unmatched } from './match';
import { constraintInForce, explainRule, resolveRule, templateKind, type ConstraintInForce, type Example, type RuleExplanation } from './rule';

/** The lint options explain passes on: where the manifests and the constraints are. */
export type ExplainLintOptions = Omit<LintOptions, 'paths' | 'stdin' | 'onProgress'>;

export interface ExplainedMatch {
  denial: Denial;
  by: DenialMatch['by'];
  findings: Finding[];
  /** The constraint the denial names, as in force here. */
  constraint: ConstraintInForce;
  /** What its template checks, in plain words. */
  rule: string;
}

export interface MessageExplanation {
  matches: ExplainedMatch[];
  unmatched: Unmatched[];
  /** The lint behind it: its sources line, input errors and warnings. */
  report: Report;
}

export async function explainMessage(text: string, paths: string[], opts: ExplainLintOptions): Promise<MessageExplanation | { fatal: string; fatalErrors?: string[] }> {
  const parsed = parseDenials(text);
  if ('error' in parsed) return { fatal: `--message: ${parsed.error}` };
  const cwd = opts.cwd ?? process.cwd();
  // offgate.yaml, for the provenance of parameters; a broken one is reported by the lint below.
  const loaded = loadConfig({ cwd, configPath: opts.configPath, maxFileSize: opts.maxFileSize });
  const config = 'error' in loaded ? null : loaded.config;
  // Constraints offgate exported are named after their environment (`offgate-production-users`):
  // when --env does not say, and the denials name one environment, that one — unless
  // offgate.yaml's paths: send each file to its environment, whose constraints' names then say it.
  let env = opts.env;
  if (env === undefined && !routesByPath(config)) {
    const named = new Set(parsed.denials.map((d) => environmentNamed(d.constraint, config)).filter((e) => e !== undefined));
    if (named.size === 1) env = [...named][0];
  }
  const outcome = await lint({ ...opts, env, paths });
  if (outcome.fatal || !outcome.applied) return { fatal: outcome.fatal ?? 'nothing was linted', fatalErrors: outcome.fatalErrors };
  const applied = outcome.applied;
  const matched = matchDenials(parsed.denials, outcome.report.findings, applied, cwd);
  const matches: ExplainedMatch[] = [];
  for (const m of matched.matches) {
    const c = applied.constraints.find((x) => x.object.metadata?.name === m.denial.constraint)!;
    const settings = constraintInForce(c, { applied, config, cwd });
    if ('error' in settings) return { fatal: settings.error };
    matches.push({ ...m, constraint: settings, rule: ruleWords(String(c.object.kind), applied) });
  }
  return { matches, unmatched: matched.unmatched, report: outcome.report };
}

export interface JudgedExample extends Example {
  /** Under the constraints in force: `fails` when the rule's constraint refuses it. */
  verdict: 'fails' | 'passes';
}

export interface NameExplanation extends Omit<RuleExplanation, 'failing' | 'passing'> {
  failing?: JudgedExample;
  passing?: JudgedExample;
  /** Where the constraints came from (the lint's sources line). */
  sources: string[];
}

export async function explainName(name: string, opts: ExplainLintOptions): Promise<NameExplanation | { fatal: string; fatalErrors?: string[] }> {
  const cwd = opts.cwd ?? process.cwd();
  const loaded = loadConfig({ cwd, configPath: opts.configPath, maxFileSize: opts.maxFileSize });
  if ('error' in loaded) return { fatal: loaded.error, fatalErrors: loaded.errors };
  // `offgate-production-users` names its environment: used when --env does not say.
  const env = opts.env ?? environmentNamed(name, loaded.config);
  const lintOpts = { ...opts, env };
  const outcome = await lint({ ...lintOpts, paths: [] });
  if (outcome.fatal || !outcome.applied) return { fatal: outcome.fatal ?? 'nothing was linted', fatalErrors: outcome.fatalErrors };
  const resolved = resolveRule(name, outcome.applied);
  if ('error' in resolved) return { fatal: resolved.error };
  const explained = explainRule(resolved, { applied: outcome.applied, config: loaded.config, cwd });
  if ('error' in explained) return { fatal: explained.error };

  const judge = async (e: Example | undefined): Promise<JudgedExample | undefined> => {
    if (!e) return undefined;
    const r = await lint({ ...lintOpts, paths: ['-'], stdin: e.text });
    const fails = r.report.findings.some((f) => f.constraint.kind === resolved.kind && (!resolved.constraintName || f.constraint.name === resolved.constraintName));
    return { ...e, verdict: fails ? 'fails' : 'passes' };
  };
  const { failing, passing, ...rest } = explained;
  const out: NameExplanation = { ...rest, sources: outcome.report.sources };
  // Judged only when a constraint of the rule is in force: otherwise every example passes.
  const inForce = explained.constraints.length > 0;
  const f = inForce ? await judge(failing) : failing && { ...failing, verdict: 'passes' as const };
  const p = inForce ? await judge(passing) : passing && { ...passing, verdict: 'passes' as const };
  if (f) out.failing = f;
  if (p) out.passing = p;
  return out;
}

/** `offgate-ENV-RESTRICTION` → ENV, when ENV is an environment or preset and RESTRICTION a restriction. */
function environmentNamed(name: string, config: Config | null): string | undefined {
  if (!name.startsWith('offgate-')) return undefined;
  // The restriction part may itself hold dashes: try every split.
  for (let i = 'offgate-'.length; i < name.length; i++) {
    if (name[i] !== '-') continue;
    const env = name.slice('offgate-'.length, i);
    const restriction = name.slice(i + 1);
    if (isRestriction(restriction) && offgateConstraintName(env, restriction) === name && (isPreset(env) || config?.environments.has(env))) return env;
  }
  return undefined;
}

/** What a template checks, in plain words: a bundled template's description, a --policy template's annotation. */
export function ruleWords(kind: string, applied: AppliedPolicy): string {
  const policy = applied.templates.find((t) => templateKind(t.object) === kind);
  const a = policy?.object.metadata?.annotations ?? {};
  const text = policy ? (a.description ?? a['metadata.gatekeeper.sh/title']) : bundledTemplateByKind(kind)?.metadata.description;
  return typeof text === 'string' && text.trim() ? text.replace(/\s+/g, ' ').trim() : `${kind}: its ConstraintTemplate carries no description`;
}
