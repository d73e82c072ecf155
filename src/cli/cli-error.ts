/** Errors the CLI reports as one line and an exit code, never a stack trace. */
export const EXIT_OK = 0;
/** Findings or failures (a packet with errors, a send that failed). */
export const EXIT_FINDINGS = 1;
/** Usage or input errors (bad arguments, bad hex, bad JSON, a corrupt file). */
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}
