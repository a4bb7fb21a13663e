// The OPA wasm SDK, typed. Its ESM entry has `loadPolicySync` only on the
// default export while its types declare named exports; this bridges the two.
import * as sdk from '@open-policy-agent/opa-wasm';

const opa = ((sdk as unknown as { default?: typeof sdk }).default ?? sdk) as typeof sdk;

export type LoadedPolicy = sdk.LoadedPolicy;
export type CustomBuiltins = Record<string, (...args: unknown[]) => unknown>;

export const loadPolicy = opa.loadPolicy;
export const loadPolicySync = opa.loadPolicySync;
