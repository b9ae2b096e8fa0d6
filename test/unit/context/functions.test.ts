import { strict as assert } from 'node:assert';
import { findFunction, functionAt } from '../../../src/core/context/functions';

const TS = `import { x } from './x';

/** Users. */
export class UserService {
  constructor(private readonly repo: Repo) {}

  /** Finds one. */
  async getUser(id: string): Promise<User> {
    const inner = (n: number) => n + 1;
    return this.repo.find(inner(1));
  }
}

export const helper = (a: number): number => {
  return a * 2;
};

export function getUser(): void {}
`;

const PY = `import functools


@functools.cache
def load(uid):
    return uid


class Service:
    def get(self, uid):
        def inner():
            return load(uid)

        return inner()
`;

describe('context: findFunction / functionAt', () => {
  it('TypeScript: finds a method by qualified name, an arrow-function constant and a top-level function', async () => {
    assert.deepEqual(await findFunction('typescript', TS, 'UserService.getUser'), {
      startLine: 7,
      endLine: 11,
      name: 'UserService.getUser',
    });
    // A plain name prefers the first callable of that name in the file.
    assert.deepEqual(await findFunction('typescript', TS, 'getUser'), { startLine: 7, endLine: 11, name: 'UserService.getUser' });
    assert.deepEqual(await findFunction('typescript', TS, 'helper'), { startLine: 14, endLine: 16, name: 'helper' });
    // A class name narrows to the whole class, doc comment included.
    assert.deepEqual(await findFunction('typescript', TS, 'UserService'), { startLine: 3, endLine: 12, name: 'UserService' });
    assert.equal(await findFunction('typescript', TS, 'missing'), undefined);
  });

  it('TypeScript: the function enclosing a line is the innermost one', async () => {
    assert.equal((await functionAt('typescript', TS, 10))?.name, 'UserService.getUser');
    assert.deepEqual(await functionAt('typescript', TS, 9), { startLine: 9, endLine: 9, name: 'inner' });
    assert.equal((await functionAt('typescript', TS, 15))?.name, 'helper');
    assert.equal(await functionAt('typescript', TS, 1), undefined);
    assert.equal(await functionAt('typescript', TS, 4), undefined);
  });

  it('Python: decorators are part of the function; methods are qualified by their class', async () => {
    assert.deepEqual(await findFunction('python', PY, 'load'), { startLine: 4, endLine: 6, name: 'load' });
    assert.deepEqual(await findFunction('python', PY, 'Service.get'), { startLine: 10, endLine: 14, name: 'Service.get' });
    assert.deepEqual(await findFunction('python', PY, 'inner'), { startLine: 11, endLine: 12, name: 'inner' });
    assert.deepEqual(await functionAt('python', PY, 12), { startLine: 11, endLine: 12, name: 'inner' });
    assert.equal((await functionAt('python', PY, 14))?.name, 'Service.get');
    assert.equal(await functionAt('python', PY, 1), undefined);
  });

  it('returns undefined for a language without tags', async () => {
    assert.equal(await findFunction('css', 'a { color: red }', 'a'), undefined);
    assert.equal(await functionAt('json', '{}', 1), undefined);
  });
});
