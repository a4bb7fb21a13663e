// Whether text output is coloured. As Node and most tools decide: FORCE_COLOR set (to
// anything but 0 or false) colours even a pipe, as CI logs that render colour want;
// otherwise NO_COLOR (any non-empty value, no-color.org) or --no-color turns it off; otherwise
// colour only on a terminal. --no-color always wins: the user typed it for this run.
export interface ColorContext {
  /** `false` for --no-color. */
  flag?: boolean;
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
}

export function useColor({ flag, isTTY, env }: ColorContext): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR) return false;
  return isTTY;
}
