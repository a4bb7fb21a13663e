// Compile errors are values with positions; the CLI prints them on one line as
// `file:line:col: code: message`.
import type { Pos } from './ast';

export type ErrorCode =
  | 'rego_parse_error'
  | 'rego_compile_error'
  | 'rego_unsafe_var_error'
  | 'rego_recursion_error'
  | 'rego_type_error';

export class RegoError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly pos?: Pos,
  ) {
    super(formatError(code, detail, pos));
    this.name = 'RegoError';
  }
}

export function formatError(code: ErrorCode, detail: string, pos?: Pos): string {
  const where = pos ? `${pos.file}:${pos.line}:${pos.col}: ` : '';
  return `${where}${code}: ${detail}`;
}

/** Several errors found by one stage, reported together (first one in the message). */
export class RegoErrors extends Error {
  constructor(readonly errors: RegoError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'RegoErrors';
  }
}
