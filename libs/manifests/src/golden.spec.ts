import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { renderClusterIndex, renderNamespace, renderTenantOnboarding, type RenderedFiles } from '.';
import { namespaceCases, tenantCases } from '../test/fixtures';

// Rendered bytes are compared with files committed under test/golden/. After an intended change, run
// `UPDATE_GOLDEN=1 npx jest --selectProjects unit libs/manifests` and review the diff like code.
const GOLDEN = join(__dirname, '..', 'test', 'golden');
const update = process.env.UPDATE_GOLDEN === '1';

function listFiles(dir: string): string[] {
  let out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    out = statSync(p).isDirectory() ? out.concat(listFiles(p)) : out.concat(p);
  }
  return out;
}

function expectGolden(caseDir: string, files: RenderedFiles): void {
  const dir = join(GOLDEN, caseDir);
  if (update) {
    rmSync(dir, { recursive: true, force: true });
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  }
  const committed = listFiles(dir)
    .map((p) => relative(dir, p).split('\\').join('/'))
    .sort();
  expect(Object.keys(files).sort()).toEqual(committed);
  for (const name of committed) {
    expect(`${name}:\n${files[name]}`).toBe(`${name}:\n${readFileSync(join(dir, name), 'utf8')}`);
  }
}

describe('golden files', () => {
  it.each(Object.entries(namespaceCases))('namespace %s', (name, { spec, opts }) => {
    expectGolden(`namespace/${name}`, renderNamespace(spec, opts));
  });

  it.each(Object.entries(tenantCases))('tenant %s', (name, spec) => {
    expectGolden(`tenant/${name}`, renderTenantOnboarding(spec));
  });

  it('cluster index', () => {
    expectGolden('cluster/eu-west-1', renderClusterIndex('eu-west-1', ['beta', 'acme']));
  });
});
