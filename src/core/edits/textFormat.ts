/**
 * File bytes <-> text without losing a byte. The text keeps its own line terminators (so a file
 * with mixed endings round-trips exactly); only a UTF-8 byte order mark is taken off and recorded,
 * because gates and models should not see it. The format also records the line-ending style and
 * the final-newline state, so that text the model writes can be made to look like the file.
 */

export type LineEndingStyle = 'lf' | 'crlf' | 'mixed' | 'none';

export interface TextFormat {
  /** The file started with a UTF-8 byte order mark (EF BB BF). */
  bom: boolean;
  /** 'none' when the text has no line break at all. */
  lineEnding: LineEndingStyle;
  /** The text ends with a line break. */
  finalNewline: boolean;
  /** The terminator to give inserted lines: the file's style, the majority for mixed, LF when unknown. */
  eol: '\n' | '\r\n';
}

/** Raised for bytes that are not UTF-8 text; the message is one line, fit for the model and the user. */
export class TextFormatError extends Error {
  constructor(
    readonly reason: 'binary' | 'invalid_utf8',
    message: string,
  ) {
    super(message);
    this.name = 'TextFormatError';
  }
}

const BOM_BYTES = [0xef, 0xbb, 0xbf];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes UTF-8 file bytes; refuses NUL bytes (binary) and invalid UTF-8 rather than mangling them. */
export function decode(bytes: Uint8Array): { text: string; format: TextFormat } {
  const bom = bytes.length >= 3 && bytes[0] === BOM_BYTES[0] && bytes[1] === BOM_BYTES[1] && bytes[2] === BOM_BYTES[2];
  const body = bom ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0)
    throw new TextFormatError(
      'binary',
      `The file looks binary (a NUL byte at offset ${nul + (bom ? 3 : 0)}); only UTF-8 text can be edited.`,
    );
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new TextFormatError('invalid_utf8', 'The file is not valid UTF-8 text; only UTF-8 text can be edited.');
  }
  return { text, format: { ...detectLineEndings(text), bom } };
}

/** The exact inverse of decode: the BOM back in front, the text as UTF-8. Line endings are left as they are. */
export function encode(text: string, format: Pick<TextFormat, 'bom'>): Uint8Array {
  const body = encoder.encode(text);
  if (!format.bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set(BOM_BYTES, 0);
  out.set(body, 3);
  return out;
}

/** Line-ending style of a text; a lone CR (old Mac) is content, not a line break. */
export function detectLineEndings(text: string): Omit<TextFormat, 'bom'> {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  const lineEnding: LineEndingStyle = crlf === 0 && lf === 0 ? 'none' : crlf === 0 ? 'lf' : lf === 0 ? 'crlf' : 'mixed';
  return { lineEnding, finalNewline: text.endsWith('\n'), eol: crlf > lf ? '\r\n' : '\n' };
}

/** The format of a file that does not exist yet: no BOM, and whatever endings its first content has. */
export function formatOfNewText(text: string): TextFormat {
  return { ...detectLineEndings(text), bom: false };
}

/** Rewrites every line break in `text` as `eol`; lone CRs are left alone. */
export function convertLineEndings(text: string, eol: '\n' | '\r\n'): string {
  return eol === '\n' ? text.replace(/\r\n/g, '\n') : text.replace(/\r?\n/g, '\r\n');
}

/**
 * Makes model-written text look like the file it goes into: its line endings (unless the file's
 * style is unknown, 'none') and, for whole-file content, the file's final-newline state.
 */
export function conformText(text: string, format: TextFormat, options: { finalNewline: boolean }): string {
  let out = format.lineEnding === 'none' ? text : convertLineEndings(text, format.eol);
  if (options.finalNewline) {
    if (format.finalNewline && out !== '' && !out.endsWith('\n')) out += format.eol;
    if (!format.finalNewline) out = out.replace(/\r?\n$/, '');
  }
  return out;
}
