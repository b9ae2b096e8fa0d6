import { z } from 'zod';
import type { ToolDefinition } from '../models/provider';

/** DESIGN.md "Model tools": the only ways a model may change files. */
export const PatchFileInput = z
  .object({
    path: z.string().min(1).describe('File path relative to the workspace root; must be one of the allowed files.'),
    old_string: z.string().min(1).describe('Exact text to replace, copied from the file, with enough surrounding lines to be unique.'),
    new_string: z.string().describe('Replacement text.'),
  })
  .strict();
export type PatchFileInput = z.infer<typeof PatchFileInput>;

export const WriteFileInput = z
  .object({
    path: z.string().min(1).describe('File path relative to the workspace root; must be one of the allowed files.'),
    content: z.string().describe('The complete new content of the file.'),
  })
  .strict();
export type WriteFileInput = z.infer<typeof WriteFileInput>;

export const EDIT_TOOLS = {
  patch_file: {
    schema: PatchFileInput,
    description:
      'Replace one occurrence of old_string with new_string in a file. old_string must match the file exactly and be unique; include a few surrounding lines to make it so. Use several calls for several changes.',
  },
  write_file: {
    schema: WriteFileInput,
    description:
      'Write the complete content of a file. Use it for new files or when most of a file changes; never elide code with placeholders.',
  },
} as const;
export type EditToolName = keyof typeof EDIT_TOOLS;

export function isEditTool(name: string): name is EditToolName {
  return Object.prototype.hasOwnProperty.call(EDIT_TOOLS, name);
}

/** Tool definitions for providers; the JSON Schemas come from the same zod schemas we validate with. */
export function editToolDefinitions(): ToolDefinition[] {
  return (Object.keys(EDIT_TOOLS) as EditToolName[]).map((name) => {
    const json = z.toJSONSchema(EDIT_TOOLS[name].schema, { target: 'draft-7' }) as Record<string, unknown>;
    delete json.$schema;
    return { name, description: EDIT_TOOLS[name].description, inputSchema: json };
  });
}
