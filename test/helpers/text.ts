// The text format wraps to 80 columns off a terminal: continuation lines start with four
// spaces. Tests that look for one whole line (a warning, the sources line) read the
// output with its wrapped lines joined again.
export function unwrapped(text: string): string {
  return text.replace(/\n {4}(?=\S)/g, ' ');
}
