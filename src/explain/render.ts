// `offgate explain` output: text for people, JSON for tools. Text taken from the pasted
// message or the manifests has its control characters made visible (visible()), so that
// neither can drive the terminal.
import { refLabel, sourcesLine, visible } from '../report/describe';
import type { Finding } from '../report/model';
import type { MessageExplanation, NameExplanation } from './explain';
import type { Setting } from './provenance';

// ---------------------------------------------------------------------------
// explain --message

export function messageJson(e: MessageExplanation): string {
  const matches = e.matches.flatMap((m) =>
    m.findings.map((f) => ({
      file: f.file,
      line: f.line,
      column: f.column,
      object: f.object,
      workload: f.workload ?? null,
      constraint: f.constraint,
      enforcementAction: f.enforcementAction,
      message: f.message,
      fix: f.fix ?? null,
      parameters: Object.fromEntries(m.constraint.parameters.map((p) => [p.key, p.value])),
      matchedBy: m.by,
      denial: denialJson(m.denial),
    })),
  );
  const unmatched = e.unmatched.map((u) => ({ constraint: u.denial.constraint, message: u.denial.message, reason: u.reason, denial: denialJson(u.denial) }));
  return `${JSON.stringify({ matches, unmatched, sources: e.report.sources, errors: e.report.errors }, null, 2)}\n`;
}

function denialJson(d: MessageExplanation['matches'][number]['denial']) {
  return { constraint: d.constraint, message: d.message, webhook: d.webhook, line: d.line, ...(Object.keys(d.hint).length > 0 ? { object: d.hint } : {}) };
}

export function messageText(e: MessageExplanation): string {
  const out: string[] = [];
  for (const m of e.matches) {
    out.push(denialLine(m.denial));
    out.push(`  rule: ${m.findings[0]!.constraint.kind} ${m.denial.constraint}: ${visible(m.rule)}`);
    out.push(`  parameters in force: ${settingsLine(m.constraint.parameters)}`);
    for (const f of m.findings) {
      out.push(`  ${f.file}:${f.line}:${f.column}  ${visible(subject(f))}`);
      if (m.by !== 'message') out.push(`    offgate's message: ${visible(f.message)} (${m.by === 'names' ? 'matched by the names the denial quotes' : 'matched by the object the pasted text names'})`);
      if (f.rendered) out.push(`    rendered by ${f.rendered.by} ${visible(f.rendered.from)}`);
      if (f.fix) out.push(`    fix: ${f.fix}`);
    }
    out.push('');
  }
  for (const u of e.unmatched) {
    out.push(denialLine(u.denial));
    out.push(`  not matched: ${visible(u.reason)}`);
    out.push('');
  }
  for (const err of e.report.errors) out.push(`input error: ${visible(`${err.file}${err.line !== undefined ? `:${err.line}:${err.column ?? 1}` : ''}: ${err.message}`)}`);
  const objects = new Set(e.matches.flatMap((m) => m.findings.map((f) => `${f.file}:${refLabel(f.workload ?? f.object)}`))).size;
  const n = e.matches.length + e.unmatched.length;
  out.push(`${n} ${n === 1 ? 'denial' : 'denials'}: ${e.matches.length} matched (${objects} ${objects === 1 ? 'object' : 'objects'}), ${e.unmatched.length} not matched`);
  out.push(sourcesLine(e.report.sources));
  return `${out.join('\n')}\n`;
}

function denialLine(d: MessageExplanation['matches'][number]['denial']): string {
  return visible(d.constraint ? `[${d.constraint}] ${d.message}` : `(webhook ${d.webhook}) ${d.message}`);
}

/** `Deployment shop/web, through the pods it creates`, or the object. */
function subject(f: Finding): string {
  return f.workload ? `${refLabel(f.workload)}, through the pods it creates` : refLabel(f.object);
}

/** `hostNetwork: false, min: 0 (set by preset baseline)`: settings of one origin together. */
function settingsLine(settings: Setting[]): string {
  if (settings.length === 0) return 'none';
  const groups: { setBy?: string; items: string[] }[] = [];
  for (const s of settings) {
    const item = `${s.key}: ${JSON.stringify(s.value)}`;
    const last = groups[groups.length - 1];
    if (last && last.setBy === s.setBy) last.items.push(item);
    else groups.push({ setBy: s.setBy, items: [item] });
  }
  return groups.map((g) => `${g.items.join(', ')}${g.setBy ? ` (set by ${visible(g.setBy)})` : ''}`).join('; ');
}

// ---------------------------------------------------------------------------
// explain NAME

export function nameJson(e: NameExplanation): string {
  return `${JSON.stringify(e, null, 2)}\n`;
}

export function nameText(e: NameExplanation): string {
  const out: string[] = [];
  const head = e.restriction ? `${e.restriction} (${e.kind})` : e.kind;
  out.push(e.title ? `${head}: ${e.title}` : head);
  out.push(`checks: ${visible(e.description)}`);
  if (e.pss) out.push(`Pod Security Standards: ${e.pss}`);
  out.push('');
  if (e.constraints.length === 0) out.push(`in force: none: ${e.off ?? 'no constraint of this kind'}`);
  for (const c of e.constraints) {
    out.push(`in force: constraint ${c.name} (${visible(c.source)})`);
    for (const s of [...c.scope, ...c.parameters]) out.push(`  ${s.key}: ${JSON.stringify(s.value)}${s.setBy ? `  (set by ${visible(s.setBy)})` : ''}`);
    for (const p of e.unsetParameters) out.push(`  ${p.key}: not set${p.description ? `  (${visible(p.description)})` : ''}`);
  }
  out.push('');
  for (const [label, ex] of [
    ['failing example', e.failing],
    ['passing example', e.passing],
  ] as const) {
    if (!ex) {
      out.push(`${label}: none (the template has no ${label === 'failing example' ? 'disallowed' : 'allowed'} example)`);
      continue;
    }
    const said = ex.verdict === 'fails' ? 'violates it here' : 'passes here';
    const verdict = ex.verdict === (label === 'failing example' ? 'fails' : 'passes') ? said : `${said}, under the settings in force`;
    out.push(`${label} (${ex.file}; ${verdict}):`);
    out.push(...ex.text.replace(/\n+$/, '').split('\n').map((l) => `    ${visible(l)}`));
    out.push('');
  }
  if (e.fix) out.push(`fix: ${e.fix}`);
  out.push(sourcesLine(e.sources));
  return `${out.join('\n')}\n`;
}
