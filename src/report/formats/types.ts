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
  /** Columns the text format wraps to (default 80; the CLI passes the terminal's). */
  width?: number;
  /** The summary only (text format: `--quiet`). */
  quiet?: boolean;
  /**
   * Links to the linted files (markdown): `https://github.com/OWNER/REPO/blob/SHA/` and the
   * directory the link paths are relative to (the repository's root). Without it, places are plain `PATH:LINE`.
   */
  links?: { base: string; root: string };
  /** github: a job summary is written too ($GITHUB_STEP_SUMMARY); the annotations beyond GitHub's limit point to it. */
  jobSummary?: boolean;
}

export type Renderer = (report: Report, opts: RenderOptions) => string;
