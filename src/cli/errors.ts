// Errors the CLI reports as one line with exit code 2 (bad usage or input).
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
