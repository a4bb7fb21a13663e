// The Go text/template subset behind strings.render_template (src/policy/host/gotemplate.ts):
// the bounds that stand in for the module's deadline, which cannot interrupt the host.
import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError } from '../src/policy/host/gotemplate';

describe('gotemplate bounds', () => {
  it('stops a template whose execution runs past the step limit', () => {
    const l = Array.from({ length: 1100 }, (_, i) => i);
    expect(() => renderTemplate('{{range .l}}{{range $.l}}{{end}}{{end}}', { l })).toThrow(/execution exceeds \d+ steps/);
  });

  it('runs the same shape when it stays within the limit', () => {
    const l = Array.from({ length: 100 }, (_, i) => i);
    expect(renderTemplate('{{range .l}}{{range $.l}}{{end}}{{end}}done', { l })).toBe('done');
  });

  it('reports template errors as TemplateError with Go\'s prefix and line', () => {
    expect(() => renderTemplate('a\nb {{end}}', {})).toThrow(TemplateError);
    expect(() => renderTemplate('a\nb {{end}}', {})).toThrow('template: template:2: unexpected {{end}}');
  });
});
