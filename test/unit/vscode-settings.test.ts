import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { SettingsSchema, USER_ONLY_SETTINGS } from '../../src/core/settings';

/**
 * package.json `contributes.configuration` is what VS Code shows and validates; src/core/settings.ts
 * is what the engine reads. This keeps the two from drifting: same keys, types, defaults, enums and
 * bounds. It reads package.json as data and never loads 'vscode'.
 */

type JsonSchema = {
  type?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, JsonSchema>;
};

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, JsonSchema> } | { properties: Record<string, JsonSchema> }[] };
};
const sections = Array.isArray(pkg.contributes.configuration) ? pkg.contributes.configuration : [pkg.contributes.configuration];
const declared: Record<string, JsonSchema> = Object.assign({}, ...sections.map((s) => s.properties));
const ours = Object.fromEntries(
  Object.entries(declared)
    .filter(([k]) => k.startsWith('refactorGuard.'))
    .map(([k, v]) => [k.slice('refactorGuard.'.length), v]),
);
const schema = (z.toJSONSchema(SettingsSchema, { io: 'input', target: 'draft-7' }) as { properties: Record<string, JsonSchema> })
  .properties;
const defaults = SettingsSchema.parse({}) as Record<string, unknown>;

/** zod writes "no upper bound" on integers as MAX_SAFE_INTEGER; package.json leaves it out. */
function bound(n: number | undefined): number | undefined {
  return n === Number.MAX_SAFE_INTEGER || n === -Number.MAX_SAFE_INTEGER ? undefined : n;
}

describe('package.json configuration matches src/core/settings.ts', () => {
  it('declares exactly the keys of SettingsSchema', () => {
    assert.deepEqual(Object.keys(ours).sort(), Object.keys(SettingsSchema.shape).sort());
  });

  for (const key of Object.keys(SettingsSchema.shape)) {
    it(`refactorGuard.${key}: type, default, enum and bounds`, () => {
      const mine = ours[key];
      const theirs = schema[key]!;
      assert.ok(mine, `refactorGuard.${key} is missing from package.json`);
      assert.equal(mine.type, theirs.type, 'type');
      assert.deepEqual(mine.default, defaults[key], 'default');
      assert.deepEqual(mine.enum, theirs.enum, 'enum');
      assert.equal(bound(mine.minimum), bound(theirs.minimum), 'minimum');
      assert.equal(bound(mine.maximum), bound(theirs.maximum), 'maximum');
      assert.ok((mine.description ?? mine.markdownDescription ?? '').length > 10, 'has a description');
    });
  }

  it('refactorGuard.presets declares each preset with the fields and bounds of PresetSchema', () => {
    const mine = ours.presets!.properties!;
    const theirs = schema.presets!.properties!;
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(theirs).sort());
    for (const name of Object.keys(theirs)) {
      const a = mine[name]!.properties!;
      const b = theirs[name]!.properties!;
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `fields of ${name}`);
      for (const field of Object.keys(b)) {
        assert.equal(a[field]!.type, b[field]!.type, `${name}.${field} type`);
        assert.equal(bound(a[field]!.minimum), bound(b[field]!.minimum), `${name}.${field} minimum`);
        assert.equal(bound(a[field]!.maximum), bound(b[field]!.maximum), `${name}.${field} maximum`);
      }
    }
  });
});

describe('settings a workspace may not set', () => {
  it('are the same keys for the CLI and for VS Code (restrictedConfigurations)', () => {
    const restricted = (pkg as unknown as { capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } } }).capabilities
      .untrustedWorkspaces.restrictedConfigurations;
    assert.deepEqual([...restricted].sort(), USER_ONLY_SETTINGS.map((k) => `refactorGuard.${k}`).sort());
  });
});
