// graphql.*: GraphQL parsing and validation with graphql-js, the reference
// implementation. OPA uses gqlparser (Go), so its results are gqlparser's
// AST as JSON, pruned of positions, nulls and empty lists (OPA's
// pruneIrrelevantGraphQLASTNodes), and its errors are gqlparser's: this
// file converts both.
import type {
  ConstValueNode, DefinitionNode, DirectiveNode, DocumentNode, FieldDefinitionNode, GraphQLError, GraphQLSchema,
  InputValueDefinitionNode, SelectionNode, TypeNode, ValueNode, VariableDefinitionNode,
} from 'graphql';
import { fail, typeName, type HostTable, reportingAs } from './common';
import { graphqlJs } from './lazy';

/** A failure reported as the builtin's error (the caller adds the name). */
class GraphqlError extends Error {}

type Json = Record<string, unknown>;

// Errors

/** graphql-js's messages that gqlparser words differently, rewritten to gqlparser's. */
const REWORDED: [RegExp, string][] = [
  [/^Argument "([^".]+)\.([^"(]+)\(([^":]+):\)" of type "([^"]+)" is required, but it was not provided/, 'Field "$2" argument "$3" of type "$4" is required, but it was not provided'],
  [/^Argument "@([^"(]+)\(([^":]+):\)" of type "([^"]+)" is required, but it was not provided/, 'Directive "@$1" argument "$2" of type "$3" is required, but it was not provided'],
  [/^Unexpected variable "\$[^"]*" in constant value/, 'Unexpected $'],
  [/^Unterminated string/, 'Unexpected <Invalid>'],
  [/^Invalid character.*/, 'Unexpected <Invalid>'],
];

/** graphql-js's message as gqlparser words it: punctuators unquoted, no "Syntax Error:" or final period. */
function gqlMessage(e: GraphQLError, source: string): string {
  let msg = e.message.replace(/^Syntax Error: /, '').replace(/\.$/, '');
  msg = msg.replace(/"([!$&()[\]{}|:=@]|\.\.\.)"/g, '$1');
  for (const [re, to] of REWORDED) msg = msg.replace(re, to);
  let loc = e.locations?.[0];
  const lines = source.split('\n');
  if (loc && /^Unexpected description/.test(msg)) {
    // gqlparser rejects the string token itself and places a string after its opening quote.
    const m = /^"((?:[^"\\]|\\.)*)"/.exec(lines[loc.line - 1].slice(loc.column - 1));
    msg = `Unexpected String ${JSON.stringify(m ? m[1] : '')}`;
    loc = { line: loc.line, column: loc.column + 1 };
  } else if (loc && /^Unexpected String /.test(msg)) {
    loc = { line: loc.line, column: loc.column + 1 };
  }
  // gqlparser requires one or more entries in {} lists and says so.
  if (loc && msg === 'Expected Name, found }') {
    const prev = lines.slice(0, loc.line - 1).join('\n') + '\n' + lines[loc.line - 1].slice(0, loc.column - 1);
    if (/\{\s*$/.test(prev)) msg = 'expected at least one definition, found }';
  }
  return loc ? `${msg} in GraphQL string at location ${loc.line}:${loc.column}` : msg;
}

function parseDoc(source: string): DocumentNode {
  const { GraphQLError, parse, visit } = graphqlJs();
  let doc: DocumentNode;
  try {
    doc = parse(source, { allowLegacyFragmentVariables: true });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphqlError(gqlMessage(e, source));
    throw e;
  }
  // graphql-js takes an empty selection set; gqlparser wants one or more selections.
  visit(doc, {
    SelectionSet(node) {
      if (node.selections.length === 0 && node.loc) {
        const end = node.loc.endToken;
        throw new GraphqlError(`expected at least one definition, found } in GraphQL string at location ${end.line}:${end.column}`);
      }
    },
  });
  return doc;
}

/** A query document: gqlparser takes an empty one. */
function parseQueryDoc(source: string): DocumentNode {
  const { Kind } = graphqlJs();
  if (/^(\s|,|#[^\n]*)*$/.test(source)) return { kind: Kind.DOCUMENT, definitions: [] };
  const doc = parseDoc(source);
  for (const d of doc.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION) {
      const loc = d.loc ? d.loc.source.locationOffset : undefined;
      throw new GraphqlError(`Unexpected Name "${source.slice(d.loc?.start ?? 0).split(/\s/)[0]}"${loc ? ' in GraphQL string' : ''}`);
    }
  }
  return doc;
}

// gqlparser's AST as JSON

/** graphql-js's kinds as gqlparser's: value kinds (its numbers) and type definition kinds (its names). Built on first use, with graphql-js. */
interface KindTables { values: Record<string, number>; definitions: Record<string, string> }

let kindTables: KindTables | undefined;

function kinds(): KindTables {
  if (kindTables) return kindTables;
  const { Kind } = graphqlJs();
  kindTables = {
    values: {
      [Kind.VARIABLE]: 0, [Kind.INT]: 1, [Kind.FLOAT]: 2, [Kind.STRING]: 3, [Kind.BOOLEAN]: 5,
      [Kind.NULL]: 6, [Kind.ENUM]: 7, [Kind.LIST]: 8, [Kind.OBJECT]: 9,
    },
    definitions: {
      [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT', [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT',
      [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE', [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE',
      [Kind.UNION_TYPE_DEFINITION]: 'UNION', [Kind.UNION_TYPE_EXTENSION]: 'UNION',
      [Kind.ENUM_TYPE_DEFINITION]: 'ENUM', [Kind.ENUM_TYPE_EXTENSION]: 'ENUM',
      [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT', [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT',
      [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR', [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
    },
  };
  return kindTables;
}

function value(v: ValueNode | ConstValueNode | undefined): Json | null {
  if (!v) return null;
  const { Kind } = graphqlJs();
  let raw = '';
  let children: Json[] | null = null;
  switch (v.kind) {
    case Kind.VARIABLE: raw = v.name.value; break;
    case Kind.INT: case Kind.FLOAT: case Kind.STRING: case Kind.ENUM: raw = v.value; break;
    case Kind.BOOLEAN: raw = String(v.value); break;
    case Kind.NULL: raw = 'null'; break;
    case Kind.LIST: children = v.values.map((x) => ({ Name: '', Value: value(x) })); break;
    case Kind.OBJECT: children = v.fields.map((f) => ({ Name: f.name.value, Value: value(f.value) })); break;
  }
  const kind = v.kind === Kind.STRING && v.block ? 4 : kinds().values[v.kind];
  return { Raw: raw, Children: children, Kind: kind, ExpectedTypeHasDefault: false };
}

function type(t: TypeNode | undefined): Json | null {
  if (!t) return null;
  const { Kind } = graphqlJs();
  if (t.kind === Kind.NON_NULL_TYPE) return { ...type(t.type), NonNull: true };
  if (t.kind === Kind.LIST_TYPE) return { NamedType: '', Elem: type(t.type), NonNull: false };
  return { NamedType: t.name.value, Elem: null, NonNull: false };
}

function directives(ds: readonly DirectiveNode[] | undefined): Json[] {
  return (ds ?? []).map((d) => ({ Name: d.name.value, Arguments: (d.arguments ?? []).map((a) => ({ Name: a.name.value, Value: value(a.value) })), Location: '' }));
}

function variableDefinitions(vs: readonly VariableDefinitionNode[] | undefined): Json[] {
  return (vs ?? []).map((v) => ({
    Variable: v.variable.name.value, Type: type(v.type), DefaultValue: value(v.defaultValue), Directives: directives(v.directives), Used: false,
  }));
}

function selections(set: { selections: readonly SelectionNode[] } | undefined): Json[] {
  const { Kind } = graphqlJs();
  return (set?.selections ?? []).map((s) => {
    switch (s.kind) {
      case Kind.FIELD:
        return {
          Alias: s.alias?.value ?? s.name.value, Name: s.name.value,
          Arguments: (s.arguments ?? []).map((a) => ({ Name: a.name.value, Value: value(a.value) })),
          Directives: directives(s.directives), SelectionSet: selections(s.selectionSet),
        };
      case Kind.FRAGMENT_SPREAD:
        return { Name: s.name.value, Directives: directives(s.directives) };
      default:
        return { TypeCondition: s.typeCondition?.name.value ?? '', Directives: directives(s.directives), SelectionSet: selections(s.selectionSet) };
    }
  });
}

function queryJson(doc: DocumentNode): Json {
  const { Kind } = graphqlJs();
  const operations: Json[] = [];
  const fragments: Json[] = [];
  for (const d of doc.definitions) {
    if (d.kind === Kind.OPERATION_DEFINITION) {
      operations.push({
        Operation: d.operation, Name: d.name?.value ?? '', VariableDefinitions: variableDefinitions(d.variableDefinitions),
        Directives: directives(d.directives), SelectionSet: selections(d.selectionSet),
      });
    } else if (d.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.push({
        Name: d.name.value, VariableDefinition: variableDefinitions(d.variableDefinitions),
        TypeCondition: d.typeCondition.name.value, Directives: directives(d.directives), SelectionSet: selections(d.selectionSet),
      });
    }
  }
  return prune({ Operations: operations, Fragments: fragments }) as Json;
}

function description(d: { description?: { value: string } }): string {
  return d.description?.value ?? '';
}

function argumentDefinitions(args: readonly InputValueDefinitionNode[] | undefined): Json[] {
  return (args ?? []).map((a) => ({ Description: description(a), Name: a.name.value, DefaultValue: value(a.defaultValue), Type: type(a.type), Directives: directives(a.directives) }));
}

function fieldDefinitions(fields: readonly (FieldDefinitionNode | InputValueDefinitionNode)[] | undefined): Json[] {
  return (fields ?? []).map((f) => ({
    Description: description(f), Name: f.name.value,
    Arguments: 'arguments' in f ? argumentDefinitions(f.arguments) : [],
    DefaultValue: 'defaultValue' in f ? value(f.defaultValue) : null,
    Type: type(f.type), Directives: directives(f.directives),
  }));
}

function definitionJson(d: DefinitionNode): Json {
  const n = d as DefinitionNode & {
    name: { value: string }; description?: { value: string }; directives?: readonly DirectiveNode[];
    interfaces?: readonly { name: { value: string } }[]; fields?: readonly (FieldDefinitionNode | InputValueDefinitionNode)[];
    types?: readonly { name: { value: string } }[]; values?: readonly { name: { value: string }; description?: { value: string }; directives?: readonly DirectiveNode[] }[];
  };
  return {
    Kind: kinds().definitions[d.kind], Description: description(n), Name: n.name.value, Directives: directives(n.directives),
    Interfaces: (n.interfaces ?? []).map((i) => i.name.value), Fields: fieldDefinitions(n.fields),
    Types: (n.types ?? []).map((t) => t.name.value),
    EnumValues: (n.values ?? []).map((v) => ({ Description: description(v), Name: v.name.value, Directives: directives(v.directives) })),
    BuiltIn: false,
  };
}

function schemaJson(doc: DocumentNode): Json {
  const { Kind } = graphqlJs();
  const out = { Schema: [] as Json[], SchemaExtension: [] as Json[], Directives: [] as Json[], Definitions: [] as Json[], Extensions: [] as Json[] };
  for (const d of doc.definitions) {
    switch (d.kind) {
      case Kind.SCHEMA_DEFINITION: case Kind.SCHEMA_EXTENSION:
        (d.kind === Kind.SCHEMA_DEFINITION ? out.Schema : out.SchemaExtension).push({
          Description: d.kind === Kind.SCHEMA_DEFINITION ? description(d) : '', Directives: directives(d.directives),
          OperationTypes: (d.operationTypes ?? []).map((o) => ({ Operation: o.operation, Type: o.type.name.value })),
        });
        break;
      case Kind.DIRECTIVE_DEFINITION:
        out.Directives.push({
          Description: description(d), Name: d.name.value, Arguments: argumentDefinitions(d.arguments),
          Locations: d.locations.map((l) => l.value), IsRepeatable: d.repeatable,
        });
        break;
      default:
        if (kinds().definitions[d.kind]) (d.kind.endsWith('Extension') ? out.Extensions : out.Definitions).push(definitionJson(d));
    }
  }
  return prune(out) as Json;
}

/** OPA's pruneIrrelevantGraphQLASTNodes: drops nulls and empty lists and objects. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    return v.map(prune).filter((x) => x !== null && !(typeof x === 'object' && Object.keys(x as object).length === 0));
  }
  if (v !== null && typeof v === 'object') {
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      const p = prune(x);
      if (p === null || (typeof p === 'object' && Object.keys(p as object).length === 0)) continue;
      out[k] = p;
    }
    return out;
  }
  return v;
}

// Schemas and validation

/**
 * The schema of a schema document, checked. gqlparser lets an extension
 * stand for a type nobody defined; graphql-js does not, so such an
 * extension becomes the definition.
 */
function buildSchema(doc: DocumentNode, source: string): GraphQLSchema {
  const { GraphQLError, Kind, buildASTSchema, validateSchema } = graphqlJs();
  const defined = new Set(doc.definitions.filter((d) => !d.kind.endsWith('Extension') && 'name' in d && d.name).map((d) => (d as { name: { value: string } }).name.value));
  const definitions = doc.definitions.map((d) => {
    if (!d.kind.endsWith('Extension') || d.kind === Kind.SCHEMA_EXTENSION) return d;
    const name = (d as { name: { value: string } }).name.value;
    if (defined.has(name)) return d;
    defined.add(name);
    return { ...d, kind: d.kind.replace('Extension', 'Definition') } as DefinitionNode;
  });
  let schema: GraphQLSchema;
  try {
    schema = buildASTSchema({ ...doc, definitions }, { assumeValidSDL: false });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphqlError(gqlMessage(e, source));
    throw new GraphqlError((e as Error).message);
  }
  // gqlparser takes a schema without a query type.
  const errors = validateSchema(schema).filter((e) => e.message !== 'Query root type must be provided.');
  if (errors.length) throw new GraphqlError(gqlMessage(errors[0], source));
  return schema;
}

function checkQuery(schema: GraphQLSchema, query: DocumentNode, source: string): void {
  if (query.definitions.length === 0) return;
  const errors = graphqlJs().validate(schema, query);
  if (errors.length) throw new GraphqlError(gqlMessage(errors[0], source));
}

// AST objects back to GraphQL text: OPA takes a query or schema either as
// text or as the AST it returned; printing the AST lets both go through the
// same parser.

function printValue(v: Json): string {
  const children = (v.Children as Json[] | undefined) ?? [];
  switch (v.Kind) {
    case 0: return `$${v.Raw}`;
    case 3: return JSON.stringify(v.Raw);
    case 4: return `"""${String(v.Raw).replace(/"""/g, '\\"""')}"""`;
    case 8: return `[${children.map((c) => printValue(c.Value as Json)).join(', ')}]`;
    case 9: return `{${children.map((c) => `${c.Name}: ${printValue(c.Value as Json)}`).join(', ')}}`;
    default: return String(v.Raw);
  }
}

function printType(t: Json): string {
  const base = t.NamedType ? String(t.NamedType) : `[${printType(t.Elem as Json)}]`;
  return t.NonNull ? `${base}!` : base;
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

function printArgs(args: unknown): string {
  const a = list(args);
  return a.length ? `(${a.map((x) => `${x.Name}: ${printValue(x.Value as Json)}`).join(', ')})` : '';
}

function printDirectives(ds: unknown): string {
  return list(ds).map((d) => ` @${d.Name}${printArgs(d.Arguments)}`).join('');
}

function printVariables(vs: unknown): string {
  const v = list(vs);
  if (!v.length) return '';
  return `(${v.map((x) => `$${x.Variable}: ${printType(x.Type as Json)}${x.DefaultValue ? ` = ${printValue(x.DefaultValue as Json)}` : ''}${printDirectives(x.Directives)}`).join(', ')})`;
}

function printSelections(set: unknown): string {
  return `{ ${list(set).map((s) => {
    if (typeof s.Alias === 'string') {
      const alias = s.Alias !== s.Name ? `${s.Alias}: ` : '';
      const sub = list(s.SelectionSet).length ? ` ${printSelections(s.SelectionSet)}` : '';
      return `${alias}${s.Name}${printArgs(s.Arguments)}${printDirectives(s.Directives)}${sub}`;
    }
    if (typeof s.Name === 'string' && s.SelectionSet === undefined) return `...${s.Name}${printDirectives(s.Directives)}`;
    return `...${s.TypeCondition ? ` on ${s.TypeCondition}` : ''}${printDirectives(s.Directives)} ${printSelections(s.SelectionSet)}`;
  }).join(' ')} }`;
}

function printQuery(q: Json): string {
  const ops = list(q.Operations).map((o) => `${o.Operation ?? 'query'} ${o.Name ?? ''}${printVariables(o.VariableDefinitions)}${printDirectives(o.Directives)} ${printSelections(o.SelectionSet)}`);
  const frags = list(q.Fragments).map((f) => `fragment ${f.Name}${printVariables(f.VariableDefinition)} on ${f.TypeCondition}${printDirectives(f.Directives)} ${printSelections(f.SelectionSet)}`);
  return [...ops, ...frags].join('\n');
}

function printDescription(d: Json): string {
  return d.Description ? `${JSON.stringify(d.Description)} ` : '';
}

function printArgDefs(args: unknown): string {
  const a = list(args);
  return a.length ? `(${a.map((x) => `${printDescription(x)}${x.Name}: ${printType(x.Type as Json)}${x.DefaultValue ? ` = ${printValue(x.DefaultValue as Json)}` : ''}${printDirectives(x.Directives)}`).join(', ')})` : '';
}

const SDL_KEYWORDS: Record<string, string> = { OBJECT: 'type', INTERFACE: 'interface', UNION: 'union', ENUM: 'enum', INPUT_OBJECT: 'input', SCALAR: 'scalar' };

function printDefinition(d: Json, extend: boolean): string {
  const head = `${extend ? 'extend ' : printDescription(d)}${SDL_KEYWORDS[String(d.Kind)]} ${d.Name}`;
  const ifaces = list(d.Interfaces).length ? ` implements ${(d.Interfaces as string[]).join(' & ')}` : '';
  const dirs = printDirectives(d.Directives);
  switch (d.Kind) {
    case 'UNION': return `${head}${dirs}${list(d.Types).length ? ` = ${(d.Types as string[]).join(' | ')}` : ''}`;
    case 'ENUM': return `${head}${dirs}${list(d.EnumValues).length ? ` { ${list(d.EnumValues).map((v) => `${printDescription(v)}${v.Name}${printDirectives(v.Directives)}`).join(' ')} }` : ''}`;
    case 'SCALAR': return `${head}${dirs}`;
    default: {
      const fields = list(d.Fields).map((f) => `${printDescription(f)}${f.Name}${printArgDefs(f.Arguments)}: ${printType(f.Type as Json)}${f.DefaultValue ? ` = ${printValue(f.DefaultValue as Json)}` : ''}${printDirectives(f.Directives)}`);
      return `${head}${ifaces}${dirs}${fields.length ? ` { ${fields.join(' ')} }` : ''}`;
    }
  }
}

function printSchema(s: Json): string {
  const out: string[] = [];
  for (const [key, prefix] of [['Schema', ''], ['SchemaExtension', 'extend ']] as const) {
    for (const d of list(s[key])) {
      const ops = list(d.OperationTypes).map((o) => `${o.Operation}: ${o.Type}`);
      out.push(`${prefix ? prefix : printDescription(d)}schema${printDirectives(d.Directives)}${ops.length ? ` { ${ops.join(' ')} }` : ''}`);
    }
  }
  for (const d of list(s.Directives)) {
    out.push(`${printDescription(d)}directive @${d.Name}${printArgDefs(d.Arguments)}${d.IsRepeatable ? ' repeatable' : ''} on ${(d.Locations as string[]).join(' | ')}`);
  }
  for (const d of list(s.Definitions)) if (!d.BuiltIn) out.push(printDefinition(d, false));
  for (const d of list(s.Extensions)) out.push(printDefinition(d, true));
  return out.join('\n');
}

function text(name: string, v: unknown, pos: number, what: 'query' | 'schema'): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return what === 'query' ? printQuery(v as Json) : printSchema(v as Json);
  fail(name, `operand ${pos} must be one of {object, string} but got ${typeName(v)}`);
}

function parseQuery(q: unknown): Json {
  return queryJson(parseQueryDoc(text('graphql.parse_query', q, 1, 'query')));
}

function parseSchema(s: unknown): Json {
  const source = text('graphql.parse_schema', s, 1, 'schema');
  return schemaJson(parseDoc(source));
}

/** Parses and validates a query against a schema: both documents, or the first error. */
function parseBoth(name: string, q: unknown, s: unknown): [Json, Json] {
  const querySource = text(name, q, 1, 'query');
  const schemaSource = text(name, s, 2, 'schema');
  const schemaDoc = parseDoc(schemaSource);
  const schema = buildSchema(schemaDoc, schemaSource);
  const queryDoc = parseQueryDoc(querySource);
  checkQuery(schema, queryDoc, querySource);
  return [queryJson(queryDoc), schemaJson(schemaDoc)];
}

function succeeds(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof GraphqlError) return false;
    throw e;
  }
}

/** `fn` as builtin `name`, its GraphqlError reported as that builtin's error. */
const named = (name: string, fn: (...args: unknown[]) => unknown) => reportingAs(name, GraphqlError, fn);

const table: Record<string, (...args: unknown[]) => unknown> = {
  'graphql.parse_query': parseQuery,
  'graphql.parse_schema': parseSchema,
  'graphql.parse': (q, s) => parseBoth('graphql.parse', q, s),
  'graphql.parse_and_verify': (q, s) => {
    try {
      return [true, ...parseBoth('graphql.parse_and_verify', q, s)];
    } catch (e) {
      if (e instanceof GraphqlError) return [false, {}, {}];
      throw e;
    }
  },
  'graphql.is_valid': (q, s) => succeeds(() => parseBoth('graphql.is_valid', q, s)),
  'graphql.schema_is_valid': (s) => succeeds(() => {
    const source = text('graphql.schema_is_valid', s, 1, 'schema');
    buildSchema(parseDoc(source), source);
  }),
};

export const builtins: HostTable = Object.fromEntries(Object.entries(table).map(([name, fn]) => [name, named(name, fn)]));
