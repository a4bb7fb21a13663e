// From a denial to the findings it is about: the lint's findings of the constraint the
// denial names, narrowed by what the pasted text says about the object (its file, its
// ReplicaSet or controller), then those whose message is the denial's, or failing that,
// those whose names (object, workload, container, volume…) the denial's message quotes.
// A constraint with another template's wording (a Gatekeeper library Constraint of a
// bundled kind, evaluated by offgate's template) is matched by those names. Pure.
import { basename, resolve } from 'node:path';
import type { AppliedPolicy } from '../lint/lint';
import type { Finding } from '../report/model';
import type { Denial, ObjectHint } from './denials';

export interface DenialMatch {
  denial: Denial;
  findings: Finding[];
  /**
   * `message`: the finding says what the cluster said (a generated Pod's name aside);
   * `names`: it names what the message quotes; `object`: it is about the object the pasted
   * text names (its ReplicaSet's controller, its file), which violates the constraint.
   */
  by: 'message' | 'names' | 'object';
}

export interface Unmatched {
  denial: Denial;
  reason: string;
}

export interface Matched {
  matches: DenialMatch[];
  unmatched: Unmatched[];
}

export function matchDenials(denials: readonly Denial[], findings: readonly Finding[], applied: AppliedPolicy, cwd: string): Matched {
  const out: Matched = { matches: [], unmatched: [] };
  for (const denial of denials) {
    const r = matchDenial(denial, findings, applied, cwd);
    if ('reason' in r) out.unmatched.push({ denial, reason: r.reason });
    else out.matches.push({ denial, ...r });
  }
  return out;
}

function matchDenial(denial: Denial, findings: readonly Finding[], applied: AppliedPolicy, cwd: string): Omit<DenialMatch, 'denial'> | { reason: string } {
  const name = denial.constraint;
  if (!name) {
    return { reason: `webhook "${denial.webhook}" named no constraint ([NAME] before its message): not a Gatekeeper constraint's violation offgate can look up` };
  }
  const configured = applied.constraints.find((c) => c.object.metadata?.name === name);
  if (!configured) return { reason: notConfigured(name, applied) };
  const kind = String(configured.object.kind);
  const ofConstraint = findings.filter((f) => f.constraint.name === name);
  if (ofConstraint.length === 0) return { reason: `constraint ${name} (${kind}) is configured, but no object of the given manifests violates it` };

  // The pasted text's object narrows the search, unless nothing of the lint fits it (a
  // name prefix kustomize adds, a file linted under another path).
  const hinted = ofConstraint.filter((f) => fitsHint(f, denial.hint, cwd));
  const candidates = hinted.length > 0 ? hinted : ofConstraint;

  const exact = candidates.filter((f) => sameMessage(f, denial.message));
  if (exact.length > 0) return { findings: exact, by: 'message' };

  const quoted = quotedWords(denial);
  const scored = candidates.map((f) => ({ f, score: namesOf(f).filter((n) => quoted.has(n)).length }));
  const best = Math.max(...scored.map((s) => s.score));
  if (best > 0) return { findings: scored.filter((s) => s.score === best).map((s) => s.f), by: 'names' };
  if (hinted.length > 0 && (denial.hint.name || denial.hint.file)) return { findings: hinted, by: 'object' };
  const where = candidates
    .slice(0, 3)
    .map((f) => `${f.file}:${f.line}:${f.column}`)
    .join(', ');
  return {
    reason: `constraint ${name} (${kind}) is violated in the given manifests (${where}${candidates.length > 3 ? ', …' : ''}), but not with this message nor by an object it names`,
  };
}

/** Why a constraint name is unknown, and where it might be: among the inputs, or another environment's. */
function notConfigured(name: string, applied: AppliedPolicy): string {
  const input = applied.notApplied.find((c) => c.object.metadata?.name === name);
  if (input) {
    const at = `${input.origin.file}${input.origin.line !== undefined ? `:${input.origin.line}` : ''}`;
    return `constraint ${name} is among the linted inputs (${at}), which are linted, never applied; pass its folder with --policy to use it`;
  }
  const where = applied.environment ? `in environment ${applied.environment} nor under --policy` : 'under --policy';
  const offgateName = /^offgate-(.+)-([a-z-]+)$/.exec(name);
  const other = offgateName && offgateName[1] !== applied.environment ? ` (an offgate name: try --env ${offgateName[1]})` : '';
  return `constraint ${name} is not configured ${where}${other}`;
}

/**
 * The same words, whatever the spacing; Gatekeeper's `[Implied by EXPANSION] ` prefix aside;
 * a truncated (`…`) message as its start. The name offgate gives a workload's Pod stands
 * for any name: the cluster's Pod has its own, or none yet (generateName).
 */
function sameMessage(f: Finding, denial: string): boolean {
  const norm = (s: string) =>
    s
      .replace(/^\[Implied by [^\]]*\]\s*/, '')
      .replace(/\s+/g, ' ')
      .trim();
  const d = norm(denial);
  let pattern = escapeRegExp(norm(f.message));
  // `pod web-pod uses` ~ `pod  uses` (squeezed to one space) and `pod web-7c5ddbdf54-x2x7k uses`.
  if (f.workload && f.object.name) pattern = pattern.split(` ${escapeRegExp(f.object.name)}`).join('(?: [-a-z0-9.]*)?');
  const cut = /(\u2026|\.\.\.)$/.exec(d);
  if (new RegExp(`^${pattern}$`).test(d)) return true;
  if (!cut || d.length < cut[0].length + 10) return false;
  // Truncated: the denial's start must be the start of the finding's message.
  const start = d.slice(0, -cut[0].length);
  return new RegExp(`^${pattern}`).test(start) || norm(f.message).startsWith(start);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a finding is about the object the pasted text names (its file, it or its controller). */
function fitsHint(f: Finding, hint: ObjectHint, cwd: string): boolean {
  if (hint.file && !sameFile(f.file, hint.file, cwd)) return false;
  // Not the namespace: a manifest without one is applied with `kubectl -n`, and lint puts it in `default`.
  if (!hint.name) return true;
  const names = [f.object.name, f.workload?.name].filter((n): n is string => typeof n === 'string');
  return names.some((n) => n === hint.name || generatedFrom(hint.name!).includes(n));
}

function sameFile(file: string, hinted: string, cwd: string): boolean {
  return resolve(cwd, file) === resolve(cwd, hinted) || basename(file) === basename(hinted);
}

/**
 * The names a controller-made name was made from: `web-5d8f7c9b4d-x2x7k` (a Deployment's
 * Pod) → `web-5d8f7c9b4d`, `web`; `migrate-28391725` (a CronJob's Job) → `migrate`; `db-0`
 * (a StatefulSet's Pod) → `db`. Only suffixes with a digit are taken for generated, so
 * `web-server` stays whole.
 */
export function generatedFrom(name: string): string[] {
  const out: string[] = [];
  // A StatefulSet's Pod: `db-0` of `db`.
  const ordinal = /^(.+)-\d{1,4}$/.exec(name);
  if (ordinal) return [ordinal[1]!];
  let n = name;
  for (let i = 0; i < 2; i++) {
    const m = /^(.+)-([a-z0-9]{5,11})$/.exec(n);
    if (!m || !/\d/.test(m[2]!)) break;
    n = m[1]!;
    out.push(n);
  }
  return out;
}

/** The words of the denial's message (values as quoted in it), and what generated names were made from. */
function quotedWords(denial: Denial): Set<string> {
  const words = new Set<string>();
  for (const text of [denial.message, ...(denial.pieces ?? [])]) {
    for (const raw of text.split(/[\s,;:'"`(){}[\]=<>]+/)) {
      const w = raw.replace(/[.-]+$/, '');
      if (w === '') continue;
      words.add(w);
      for (const g of generatedFrom(w)) words.add(g);
    }
  }
  return words;
}

/**
 * What a finding names: its object and workload, and the container, pod, volume, sysctl,
 * driver or profile its message names (`container nginx runs privileged`).
 */
function namesOf(f: Finding): string[] {
  const names = new Set<string>();
  for (const n of [f.object.name, f.workload?.name]) if (n) names.add(n);
  // offgate's name for a workload's Pod is no name the cluster would print.
  if (f.workload) names.delete(`${f.workload.name}-pod`);
  const subject = /\b(?:container|pod|volume|flexVolume|sysctl|volume type|seccomp profile)\s+"?([A-Za-z0-9][-A-Za-z0-9_./]*)/g;
  for (const m of f.message.matchAll(subject)) names.add(m[1]!.replace(/\.+$/, ''));
  return [...names].filter((n) => !WORDS.has(n));
}

/** Words the messages put after `container`, `pod`… that are no names. */
const WORDS = new Set(['type', 'types', 'the', 'a', 'an', 'of', 'is', 'in', 'may', 'must', 'has', 'uses', 'runs', 'sets', 'asks', 'would', 'with', 'and', 'or', 'not', 'that', 'security', 'shares']);
