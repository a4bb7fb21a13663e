// Errors the CLI reports as one line with exit code 2 (bad usage or input).
export class UsageError extends Error {
  /** Every problem, one line each (a configuration file can have several): the first is `message`. */
  readonly messages: string[];

  constructor(message: string, messages: string[] = [message]) {
    super(message);
    this.name = 'UsageError';
    this.messages = messages;
  }
}
