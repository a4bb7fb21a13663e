// strings.render_template: Go's text/template (the subset in gotemplate.ts) run on
// the variables object, as OPA's topdown/template.go.
//
// A host builtin rather than runtime code: executing a template is an interpreter
// over Go-typed values (json.Number, ints, maps printed as fmt does), with its own
// parser, variables and scopes; written in TypeScript it is a fraction of the size
// it would take in AssemblyScript over raw memory, and its cost is bounded by step
// and output limits since the module's deadline cannot interrupt the host.
import { fail, obj, str, type HostTable } from './common';
import { renderTemplate, TemplateError } from './gotemplate';

const NAME = 'strings.render_template';

export const builtins: HostTable = {
  [NAME]: (template: unknown, vars: unknown) => {
    const t = str(NAME, template, 1);
    const v = obj(NAME, vars, 2);
    try {
      return renderTemplate(t, v);
    } catch (e) {
      if (e instanceof TemplateError) fail(NAME, e.message);
      throw e;
    }
  },
};
