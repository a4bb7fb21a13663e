// The output formats of `offgate lint -o <format>`: each a small renderer over the one
// result model of ../model.ts.
import { render as github } from './github';
import { render as json } from './json';
import { render as junit } from './junit';
import { render as markdown } from './markdown';
import { render as sarif } from './sarif';
import { render as text } from './text';
import type { Renderer } from './types';

export type { RenderOptions, Renderer } from './types';

export const formats = { text, json, sarif, junit, github, markdown } satisfies Record<string, Renderer>;

export type FormatName = keyof typeof formats;

export const FORMAT_NAMES = Object.keys(formats) as FormatName[];

export function isFormatName(name: string): name is FormatName {
  return Object.hasOwn(formats, name);
}
