// The base of qtrack's own errors: `name` is the class's own, `cause` is kept.
// An error meant for the people using qtrack is bilingual, in one form:
// Chinese, then English, each kept apart so the CLI and the portal can show them.

export class QtrackError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An error for people: what is wrong and what to do, Chinese first. */
export class BilingualError extends QtrackError {
  constructor(
    readonly zh: string,
    readonly en: string,
    options?: { cause?: unknown },
  ) {
    super(`${zh} / ${en}`, options);
  }
}
