// The part of js-yaml 4 that src/manifests uses. js-yaml ships no types; declaring these few
// here saves a second dependency (@types/js-yaml). Should that ever be installed, delete this.
declare module 'js-yaml' {
  export interface TypeOptions {
    kind: 'scalar' | 'sequence' | 'mapping';
    resolve?: (data: any) => boolean;
    construct?: (data: any, tag?: string) => any;
    /** Matches every tag that starts with this type's tag (explicit types only). */
    multi?: boolean;
  }
  export class Type {
    constructor(tag: string, options: TypeOptions);
    readonly tag: string;
    readonly resolve: (data: any) => boolean;
    readonly construct: (data: any) => any;
  }
  export class Schema {
    extend(types: Type[] | { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export const FAILSAFE_SCHEMA: Schema;
  export const JSON_SCHEMA: Schema;
  export const CORE_SCHEMA: Schema;
  export const types: {
    null: Type;
    bool: Type;
    int: Type;
    float: Type;
    merge: Type;
    str: Type;
    seq: Type;
    map: Type;
  };

  /** Parser state as the listener sees it; only what src/manifests reads. */
  export interface State {
    readonly input: string;
    readonly position: number;
    readonly kind: 'scalar' | 'sequence' | 'mapping' | null;
    readonly result: unknown;
    readonly tag: string | null;
    readonly anchor: string | null;
  }
  export interface LoadOptions {
    filename?: string;
    schema?: Schema;
    /** Duplicate keys keep the last value instead of throwing. */
    json?: boolean;
    /** Called as each node starts ('open') and when it is built ('close'). */
    listener?: (event: 'open' | 'close', state: State) => void;
    /** Nodes open at once before "nesting exceeded maxDepth" (4.3; default 100). */
    maxDepth?: number;
  }
  export function load(input: string, options?: LoadOptions): unknown;
  export function loadAll(input: string, iterator?: null, options?: LoadOptions): unknown[];
  /** YAML text for a value (the tests write documents with it). */
  export function dump(value: unknown, options?: { flowLevel?: number }): string;

  export class YAMLException extends Error {
    reason: string;
    mark?: { position: number; line: number; column: number };
  }
}
