// The lines of a large report (18k findings make megabytes of text), joined a chunk at a
// time. Kept to the end as thousands of small strings, every line would be copied by each
// young-generation collection it survives; a chunk past V8's largest regular object
// (128 KiB) is allocated apart and never copied, and the small strings die young.

/** Characters of lines joined into one chunk: above V8's 128 KiB regular-object limit. */
const CHUNK = 1 << 18;

export class Lines {
  private readonly chunks: string[] = [];
  private lines: string[] = [];
  private size = 0;

  push(line: string): void {
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size >= CHUNK) this.flush();
  }

  get empty(): boolean {
    return this.chunks.length === 0 && this.lines.length === 0;
  }

  /** Every line pushed, joined by newlines (no newline after the last). */
  join(): string {
    this.flush();
    return this.chunks.join('\n');
  }

  private flush(): void {
    if (this.lines.length === 0) return;
    this.chunks.push(this.lines.join('\n'));
    this.lines = [];
    this.size = 0;
  }
}
