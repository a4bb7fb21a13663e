// rego.parse_module(filename, text): the module's AST as OPA's JSON (rego-ast-json.ts
// says which forms it can give exactly; others fail by name). Parsed as Rego v1, as
// OPA 1.x does; a parse error is the builtin's error, `rego_parse_error: …`.
import { parseModule } from '../../compiler/parser';
import { RegoError } from '../../compiler/errors';
import { fail, str, type HostTable } from './common';
import { moduleJson, UnsupportedAst } from './rego-ast-json';

const NAME = 'rego.parse_module';

export const builtins: HostTable = {
  [NAME]: (filename: unknown, text: unknown) => {
    const file = str(NAME, filename, 1);
    const source = str(NAME, text, 2);
    try {
      return moduleJson(parseModule(source, file, { regoVersion: 'v1' }));
    } catch (e) {
      if (e instanceof RegoError || e instanceof UnsupportedAst) fail(NAME, e.message);
      throw e;
    }
  },
};
