// graphql.*: GraphQL parsing and validation with graphql-js, the reference
// implementation. OPA uses gqlparser (Go), so its results are gqlparser's
// AST as JSON, pruned of positions, nulls and empty lists (OPA's
// pruneIrrelevantGraphQLASTNodes), and its errors are gqlparser's: this
// file converts both.
import {
  buildASTSchema, GraphQLError, Kind, parse, validate, validateSchema,
  type ConstValueNode, type DefinitionNode, type DirectiveNode, type DocumentNode, type FieldDefinitionNode,
  type InputValueDefinitionNode, type SelectionNode, type TypeNode, type ValueNode, type VariableDefinitionNode,
  type GraphQLSchema,
} from 'graphql';
import { BuiltinError, fail, typeName, type HostTable } from './common';

/** A failure reported as the builtin's error (the caller adds the name). */
class GraphqlError extends Error {}

type Json = Record<string, unknown>;

// Errors

/** graphql-js's message as gqlparser words it: punctuators unquoted, no "Syntax Error:" or final period. */
function gqlMessage(e: GraphQLError, source: string): string {
  let msg = e.message.replace(/^Syntax Error: /, '').replace(/\.$/, '');
  msg = msg.replace(/found "([!$&()[\]{}|:=@]|\.\.\.)"/g, 'found $1').replace(/^Unexpected "([!$&()[\]{}|:=@]|\.\.\.)"/, 'Unexpected $1');
  const loc = e.locations?.[0];
  // gqlparser requires one or more entries in {} lists and says so.
  if (loc && /^Expected Name, found }$/.test(msg)) {
    const before = source.split('\n')[loc.line - 1]?.slice(0, loc.column - 1) ?? '';
    const prev = source.split('\n').slice(0, loc.line - 1).join('\n') + '\n' + before;
    if (/\{\s*$/.test(prev)) msg = 'expected at least one definition, found }';
  }
  return loc ? `${msg} in GraphQL string at location ${loc.line}:${loc.column}` : msg;
}

function parseDoc(source: string): DocumentNode {
  try {
    return parse(source, { experimentalFragmentArguments: true });
  } catch (e) {
    if (e instanceof GraphQLError) throw new GraphqlError(gqlMessage(e, source));
    throw e;
  }
}

/** A query document: gqlparser takes an empty one. */
function parseQueryDoc(source: string): DocumentNode {
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

const VALUE_KINDS: Record<string, number> = {
  [Kind.VARIABLE]: 0, [Kind.INT]: 1, [Kind.FLOAT]: 2, [Kind.STRING]: 3, [Kind.BOOLEAN]: 5,
  [Kind.NULL]: 6, [Kind.ENUM]: 7, [Kind.LIST]: 8, [Kind.OBJECT]: 9,
};

function value(v: ValueNode | ConstValueNode | undefined): Json | null {
  if (!v) return null;
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
  const kind = v.kind === Kind.STRING && v.block ? 4 : VALUE_KINDS[v.kind];
  return { Raw: raw, Children: children, Kind: kind, ExpectedTypeHasDefault: false };
}

function type(t: TypeNode | undefined): Json | null {
  if (!t) return null;
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

const DEFINITION_KINDS: Record<string, string> = {
  [Kind.OBJECT_TYPE_DEFINITION]: 'OBJECT', [Kind.OBJECT_TYPE_EXTENSION]: 'OBJECT',
  [Kind.INTERFACE_TYPE_DEFINITION]: 'INTERFACE', [Kind.INTERFACE_TYPE_EXTENSION]: 'INTERFACE',
  [Kind.UNION_TYPE_DEFINITION]: 'UNION', [Kind.UNION_TYPE_EXTENSION]: 'UNION',
  [Kind.ENUM_TYPE_DEFINITION]: 'ENUM', [Kind.ENUM_TYPE_EXTENSION]: 'ENUM',
  [Kind.INPUT_OBJECT_TYPE_DEFINITION]: 'INPUT_OBJECT', [Kind.INPUT_OBJECT_TYPE_EXTENSION]: 'INPUT_OBJECT',
  [Kind.SCALAR_TYPE_DEFINITION]: 'SCALAR', [Kind.SCALAR_TYPE_EXTENSION]: 'SCALAR',
};

function definitionJson(d: DefinitionNode): Json {
  const n = d as DefinitionNode & {
    name: { value: string }; description?: { value: string }; directives?: readonly DirectiveNode[];
    interfaces?: readonly { name: { value: string } }[]; fields?: readonly (FieldDefinitionNode | InputValueDefinitionNode)[];
    types?: readonly { name: { value: string } }[]; values?: readonly { name: { value: string }; description?: { value: string }; directives?: readonly DirectiveNode[] }[];
  };
  return {
    Kind: DEFINITION_KINDS[d.kind], Description: description(n), Name: n.name.value, Directives: directives(n.directives),
    Interfaces: (n.interfaces ?? []).map((i) => i.name.value), Fields: fieldDefinitions(n.fields),
    Types: (n.types ?? []).map((t) => t.name.value),
    EnumValues: (n.values ?? []).map((v) => ({ Description: description(v), Name: v.name.value, Directives: directives(v.directives) })),
    BuiltIn: false,
  };
}

function schemaJson(doc: DocumentNode): Json {
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
        if (DEFINITION_KINDS[d.kind]) (d.kind.endsWith('Extension') ? out.Extensions : out.Definitions).push(definitionJson(d));
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
  const errors = validateSchema(schema);
  if (errors.length) throw new GraphqlError(gqlMessage(errors[0], source));
  return schema;
}

function checkQuery(schema: GraphQLSchema, query: DocumentNode, source: string): void {
  if (query.definitions.length === 0) return;
  const errors = validate(schema, query);
  if (errors.length) throw new GraphqlError(gqlMessage(errors[0], source));
}

function text(name: string, v: unknown, pos: number, what: string): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    fail(name, `${what} given as an AST object is not supported by offgate; pass the ${what} as a string`);
  }
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

/** Runs `fn`, reporting its GraphqlError as `name`'s builtin error. */
function named(name: string, fn: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
  return (...args) => {
    try {
      return fn(...args);
    } catch (e) {
      if (e instanceof BuiltinError) throw e;
      if (e instanceof GraphqlError) fail(name, e.message);
      throw e;
    }
  };
}

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
