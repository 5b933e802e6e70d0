/** Quoted input longer than this is cut to a prefix in error messages. */
const QUOTED_PREFIX = 40;
/** No error message is longer than this (a refused spec may list many violations; details keep them all). */
export const MAX_MESSAGE_LENGTH = 2_000;

const QUOTED = /"(?:[^"\\\n]|\\.)*"/g;

/**
 * An error message that echoes at most a short prefix of any input. graphql-js quotes a bad variable's whole
 * value ("Variable \"$first\" got invalid value \"…900 KB…\""), and a domain message may quote a name: every
 * quoted run longer than the prefix keeps its start and says how long it was, and the whole message is capped.
 * The reply then costs the server and the client no more than the question, and logs stay readable.
 */
export function clampMessage(message: string): string {
  const clamped = message.replace(QUOTED, (quoted) =>
    quoted.length - 2 <= QUOTED_PREFIX + 20 ? quoted : `${quoted.slice(0, QUOTED_PREFIX + 1)}…" (${quoted.length - 2} characters)`,
  );
  return clamped.length <= MAX_MESSAGE_LENGTH ? clamped : `${clamped.slice(0, MAX_MESSAGE_LENGTH)}… (${clamped.length - MAX_MESSAGE_LENGTH} more characters)`;
}
