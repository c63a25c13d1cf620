import { SignJWT } from 'jose';
import type { BerthConfig } from '@berth/config';
import { InvalidTokenError, JwtVerifier } from './jwt.verifier';

const SECRET = 'a-test-secret-of-enough-length-for-hs256';
const config = {
  auth: { jwtSecret: SECRET, jwtIssuer: 'https://idp.test', jwtAudience: 'berth', clockSkewSeconds: 0, groupsClaim: 'groups' },
} as unknown as BerthConfig;

const sign = (expiresInSeconds: number, secret = SECRET, sub = 'alice') =>
  new SignJWT({ groups: ['team-a'] })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuer('https://idp.test')
    .setAudience('berth')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));

describe('JwtVerifier: tokens verified once are trusted for a minute, never past their expiry', () => {
  let signatures: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-11-30T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    signatures = jest.spyOn(globalThis.crypto.subtle, 'verify');
  });
  afterEach(() => {
    signatures.mockRestore();
    jest.useRealTimers();
  });

  it('checks the signature of a token once a minute, however often it is sent', async () => {
    const verifier = new JwtVerifier(config);
    const token = await sign(3600);
    const claims = { sub: 'alice', email: undefined, groups: ['team-a'] };
    await expect(verifier.verify(token)).resolves.toEqual(claims);
    await expect(verifier.verify(token)).resolves.toEqual(claims);
    expect(signatures).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(61_000);
    await expect(verifier.verify(token)).resolves.toEqual(claims);
    expect(signatures).toHaveBeenCalledTimes(2);
  });

  it('refuses a token once it expired, even right after trusting it', async () => {
    const verifier = new JwtVerifier(config);
    const token = await sign(10);
    await expect(verifier.verify(token)).resolves.toMatchObject({ sub: 'alice' });
    jest.advanceTimersByTime(11_000);
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('never remembers a refusal, and trusts a token by its exact text only', async () => {
    const verifier = new JwtVerifier(config);
    const good = await sign(3600);
    const forged = await sign(3600, 'another-secret-of-enough-length-for-hs256');
    await expect(verifier.verify(good)).resolves.toMatchObject({ sub: 'alice' });
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(signatures).toHaveBeenCalledTimes(3);
  });
});
