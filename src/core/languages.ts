/** Languages the gates know, keyed by file extension. */
export const LANGUAGES = [
  'python',
  'javascript',
  'jsx',
  'typescript',
  'tsx',
  'go',
  'rust',
  'java',
  'csharp',
  'c',
  'cpp',
  'ruby',
  'php',
  'json',
  'css',
  'bash',
] as const;
export type LanguageId = (typeof LANGUAGES)[number];

const BY_EXTENSION: Record<string, LanguageId> = {
  '.py': 'python',
  '.pyi': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'jsx',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.go': 'go',
  '.rs': 'rust',
  '.java': 'java',
  '.cs': 'csharp',
  '.c': 'c',
  '.h': 'c',
  '.cc': 'cpp',
  '.cpp': 'cpp',
  '.cxx': 'cpp',
  '.hpp': 'cpp',
  '.hh': 'cpp',
  '.hxx': 'cpp',
  '.rb': 'ruby',
  '.php': 'php',
  '.json': 'json',
  '.css': 'css',
  '.sh': 'bash',
  '.bash': 'bash',
};

export function languageOf(path: string): LanguageId | undefined {
  const dot = path.lastIndexOf('.');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (dot <= slash) return undefined;
  return BY_EXTENSION[path.slice(dot).toLowerCase()];
}
