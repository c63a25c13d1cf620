import { gitContext } from './git';
import { formatCommitMessage } from './fleet-repo';
import { OwnedPaths, rootSegments } from './paths';
import { redact } from './redact';

describe('OwnedPaths', () => {
  const owned = new OwnedPaths(['tenants/', 'clusters/prod/berth-tenants.yaml']);

  it.each(['tenants', 'tenants/a', 'tenants/a/b/c.yaml', 'clusters/prod/berth-tenants.yaml'])('accepts %j', (p) => {
    expect(owned.check(p).join('/')).toBe(p);
  });

  it.each([
    '../x',
    '/etc/x',
    'tenants/../../x',
    'tenants/./a',
    'tenants//a',
    'tenants/',
    'a\\b',
    'tenants/.GIT/x',
    'tenantsx/a',
    'clusters/prod',
    'clusters/prod/berth-tenants.yaml/x',
    '',
    'tenants/\u0000',
  ])('rejects %j', (p) => {
    expect(() => owned.check(p)).toThrow(/fleet path/);
  });

  it('needs at least one owned folder and well-formed roots', () => {
    expect(() => new OwnedPaths([])).toThrow();
    expect(() => new OwnedPaths(['../up/'])).toThrow();
    expect(rootSegments('')).toEqual([]);
    expect(rootSegments('fleet/prod/')).toEqual(['fleet', 'prod']);
    expect(() => rootSegments('/abs')).toThrow();
  });
});

describe('credentials', () => {
  it('passes the https token only through GIT_CONFIG_* env, never argv', () => {
    const ctx = gitContext({ username: 'bot', token: 'ghp_secret123' }, 1000);
    const basic = Buffer.from('bot:ghp_secret123').toString('base64');
    const n = Number(ctx.env.GIT_CONFIG_COUNT);
    const pairs = Array.from({ length: n }, (_, i) => [ctx.env[`GIT_CONFIG_KEY_${i}`], ctx.env[`GIT_CONFIG_VALUE_${i}`]]);
    expect(pairs).toContainEqual(['http.extraHeader', `Authorization: Basic ${basic}`]);
    expect(ctx.secrets).toEqual(expect.arrayContaining(['ghp_secret123', basic]));
    expect(ctx.env.GIT_TERMINAL_PROMPT).toBe('0');
  });

  it('builds GIT_SSH_COMMAND from a key file path', () => {
    const ctx = gitContext({ sshKeyFile: "/run/secrets/it's key", sshKnownHostsFile: '/run/kh' }, 1000);
    expect(ctx.env.GIT_SSH_COMMAND).toBe(
      "ssh -o BatchMode=yes -i '/run/secrets/it'\\''s key' -o IdentitiesOnly=yes -o UserKnownHostsFile='/run/kh' -o StrictHostKeyChecking=yes",
    );
  });

  it('redacts userinfo and literal secrets', () => {
    expect(redact("fatal: unable to access 'https://bob:pw@git.example.com/x.git/': refused")).toBe(
      "fatal: unable to access 'https://***@git.example.com/x.git/': refused",
    );
    expect(redact('ssh://git@host/x and tok123456 here', ['tok123456'])).toBe('ssh://***@host/x and *** here');
  });
});

describe('formatCommitMessage', () => {
  it('appends trailers as the last paragraph', () => {
    expect(
      formatCommitMessage('Subject\n\nBody.\n', [
        ['Berth-Request', 'r1'],
        ['Berth-Request', 'r2'],
      ]),
    ).toBe('Subject\n\nBody.\n\nBerth-Request: r1\nBerth-Request: r2\n');
    expect(formatCommitMessage('Only subject')).toBe('Only subject\n');
  });

  it('rejects malformed trailers', () => {
    expect(() => formatCommitMessage('s', [['Bad Key', 'v']])).toThrow();
    expect(() => formatCommitMessage('s', [['K', 'a\nb']])).toThrow();
    expect(() => formatCommitMessage('  ', [])).toThrow();
  });
});
