import { memoryTree } from './memory-tree';

describe('memoryTree', () => {
  it('lists, reads and removes like a git tree: folders exist only while a file lies below them', async () => {
    const files = new Map<string, string>();
    const tree = memoryTree(files);
    await tree.write('tenants/eu/acme/ns/namespace.yaml', 'a');
    await tree.write('tenants/eu/acme/kustomization.yaml', 'b');
    await tree.write('tenants/eu/beta/ns/namespace.yaml', 'c');
    expect(await tree.listDirs('tenants/eu')).toEqual(['acme', 'beta']);
    expect(await tree.read('tenants/eu/acme/kustomization.yaml')).toBe('b');
    expect(await tree.read('tenants/eu/acme/missing.yaml')).toBeNull();
    await tree.removeDir('tenants/eu/acme');
    expect(await tree.listDirs('tenants/eu')).toEqual(['beta']);
    expect(await tree.exists('tenants/eu/acme')).toBe(false);
    expect(await tree.exists('tenants/eu/beta/ns')).toBe(true);
    expect([...files.keys()]).toEqual(['tenants/eu/beta/ns/namespace.yaml']);
  });
});
