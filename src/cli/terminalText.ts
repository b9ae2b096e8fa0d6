/**
 * Text bound for the user's terminal that may carry bytes someone else chose: a value or key from a
 * cloned repository's config file, a file name, a JSON parser's quote of the bad input. Raw, an ESC
 * sequence could recolour or rewrite the terminal, a CR or a bidi override hide or reorder what the
 * line says. Each such character is shown as a visible escape instead (`\x1b`, `\u202e`).
 *
 * C0 controls except tab, DEL, C1 controls, and the bidi embeddings, overrides and isolates.
 */
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line: every control character escaped, newlines too (a message cannot forge a second line). */
export function terminalLine(text: string): string {
  return text.replace(UNSAFE, escape);
}

/**
 * Several lines (help text, a debug stack): newlines kept, every other control character escaped.
 * A CRLF's CR is escaped too; nothing the CLI prints on stderr needs one.
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE_BUT_NEWLINE, escape);
}
