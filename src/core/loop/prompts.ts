import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export const PROMPT_NAMES = ['system', 'generate', 'repair', 'plan', 'generate-code-system', 'generate-code'] as const;
export type PromptName = (typeof PROMPT_NAMES)[number];

/**
 * Prompt templates are markdown files with `{{name}}` slots. The bundled ones live in prompts/ at
 * the package root; a user folder (setting `promptsFolder`) overrides any of them by file name.
 */
export class PromptTemplates {
  private readonly cache = new Map<PromptName, string>();

  constructor(private readonly userDir?: string) {}

  render(name: PromptName, values: Record<string, string | number>): string {
    return this.template(name)
      .replace(/\{\{(\w+)\}\}/g, (whole, key: string) => (Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole))
      .trim();
  }

  private template(name: PromptName): string {
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const candidates = [this.userDir && path.join(this.userDir, `${name}.md`), path.join(bundledPromptsDir(), `${name}.md`)];
    for (const file of candidates) {
      if (file && existsSync(file)) {
        const text = readFileSync(file, 'utf8');
        this.cache.set(name, text);
        return text;
      }
    }
    throw new Error(`Prompt template ${name}.md was not found in ${candidates.filter(Boolean).join(' or ')}.`);
  }
}

/** prompts/ beside the package root, found from the source tree or from the bundle in dist/. */
export function bundledPromptsDir(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const probe = path.join(dir, 'prompts');
    if (existsSync(path.join(probe, 'system.md'))) return probe;
    dir = path.dirname(dir);
  }
  return path.join(__dirname, '..', 'prompts');
}
