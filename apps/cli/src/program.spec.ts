import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { accessEntry, duration, etag, keyValue } from './args';
import { completionTree } from './commands/completion';
import { resolveContext, writeConfig } from './config';
import { cell, until } from './output';
import { buildProgram } from './program';

function commands(root: Command): Command[] {
  return [root, ...root.commands.filter((c) => c.name() !== 'help').flatMap(commands)];
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

const pathOf = (c: Command): string => (c.parent ? `${pathOf(c.parent)} ${c.name()}` : c.name());

describe('the berth command tree', () => {
  const program = buildProgram();

  it('has the commands the issue asks for', () => {
    const paths = commands(program).map(pathOf);
    for (const path of [
      'berth login',
      'berth tenants ls',
      'berth ns ls',
      'berth ns get',
      'berth ns request',
      'berth ns change',
      'berth ns delete',
      'berth requests ls',
      'berth requests get',
      'berth requests approve',
      'berth requests reject',
      'berth requests cancel',
      'berth usage',
      'berth previews ls',
      'berth previews create',
      'berth previews delete',
      'berth fleet status',
      'berth fleet drift',
      'berth fleet reconcile',
      'berth keys ls',
      'berth keys create',
      'berth keys revoke',
      'berth config use-context',
      'berth config get-contexts',
      'berth completion',
    ]) {
      expect(paths).toContain(path);
    }
  });

  it('gives every command examples in its --help', () => {
    const without = commands(program)
      .filter((c) => !/\nExamples:\n {2}\$ \S/.test(helpOf(c)))
      .map(pathOf);
    expect(without).toEqual([]);
  });

  it('documents the exit codes in the top-level help', () => {
    const help = helpOf(program);
    for (const line of ['0  ok', '1  error', '2  usage error', '3  denied by policy', '4  pending approval']) expect(help).toContain(line);
  });

  it('completes every command path', () => {
    const nodes = completionTree(program);
    expect(nodes.map((n) => n.path)).toEqual(commands(program).map(pathOf));
    const ns = nodes.find((n) => n.path === 'berth ns')!;
    expect(ns.names).toEqual(['ns', 'namespaces']);
    expect(nodes.find((n) => n.path === 'berth ns request')!.options.flatMap((o) => o.flags)).toEqual(
      expect.arrayContaining(['--dry-run', '--wait', '-o', '--context']),
    );
  });
});

describe('option values', () => {
  it('parses key=value, access entries, durations and versions; refuses the rest', () => {
    expect(keyValue('a=b=c', keyValue('x=1'))).toEqual({ x: '1', a: 'b=c' });
    expect(() => keyValue('novalue')).toThrow('expected key=value');
    expect(accessEntry('group:team-a=edit')).toEqual([{ subject: { kind: 'Group', name: 'team-a' }, role: 'edit' }]);
    expect(() => accessEntry('Robot:x=edit')).toThrow();
    expect([duration('90'), duration('90s'), duration('5m'), duration('1h'), duration('250ms')]).toEqual([90_000, 90_000, 300_000, 3_600_000, 250]);
    expect(() => duration('soon')).toThrow();
    expect([etag('3'), etag('"3"')]).toEqual(['"3"', '"3"']);
    expect(() => etag('W/"3"')).toThrow();
  });

  it('prints cells as text', () => {
    expect([cell(null), cell([]), cell(['a', 'b']), cell({ cpu: '2', n: 3 }), cell(0)]).toEqual(['-', '-', 'a,b', 'cpu=2,n=3', '0']);
    expect(until(new Date(Date.now() + 3 * 3_600_000 + 60_000).toISOString())).toBe('in 3h');
    expect(until(new Date(Date.now() - 1000).toISOString())).toBe('expired');
  });
});

describe('choosing the context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-config-'));
  const path = join(dir, 'berth', 'config.yaml');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeConfig(
    {
      currentContext: 'a',
      contexts: { a: { url: 'https://a.example', token: 'berth_a', tenant: 'ta' }, b: { url: 'https://b.example', token: 'berth_b' } },
    },
    path,
  );

  it('takes --context exactly, else BERTH_URL + BERTH_TOKEN, else BERTH_CONTEXT or the current context', () => {
    const env = { BERTH_URL: 'https://ci.example', BERTH_TOKEN: 'berth_ci' };
    expect(resolveContext('b', env, path)).toMatchObject({ name: 'b', context: { url: 'https://b.example', token: 'berth_b' } });
    expect(resolveContext(undefined, env, path)).toMatchObject({ name: 'env', context: { url: 'https://ci.example', token: 'berth_ci' } });
    expect(resolveContext(undefined, {}, path)).toMatchObject({ name: 'a', context: { token: 'berth_a', tenant: 'ta' } });
    expect(resolveContext(undefined, { BERTH_CONTEXT: 'b', BERTH_TENANT: 'tb' }, path)).toMatchObject({ name: 'b', context: { tenant: 'tb' } });
    expect(resolveContext(undefined, { BERTH_TOKEN: 'berth_other' }, path)).toMatchObject({
      name: 'a',
      context: { url: 'https://a.example', token: 'berth_other' },
    });
    expect(() => resolveContext('nope', {}, path)).toThrow('No context "nope"');
    expect(() => resolveContext(undefined, {}, join(dir, 'none.yaml'))).toThrow('Not logged in');
  });
});
