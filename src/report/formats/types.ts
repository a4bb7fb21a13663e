import type { Report } from '../model';

export interface RenderOptions {
  /** ANSI colour (text format only); the caller decides: a TTY and no NO_COLOR. */
  color: boolean;
  /** More per finding (text format): the field path, the reviewed Pod, details. */
  verbose?: boolean;
  /** Which actions fail the run (`--fail-on`); decides failures in junit and errors in github. */
  failOn: 'deny' | 'warn';
  /** Directory that CI locations (sarif, github) are made relative to; default `process.cwd()`. */
  cwd?: string;
}

export type Renderer = (report: Report, opts: RenderOptions) => string;
