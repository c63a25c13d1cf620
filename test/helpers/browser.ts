import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs the package): no browser is downloaded from anywhere. */
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots of every page the console tests visit (gitignored). */
export const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'console');

export interface TestBrowser {
  /** A new tab: a fresh page of the single-page app, so a fresh session (the credential lives in the page's memory). */
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** Chromium with a fresh profile in a temp folder, removed on close. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'berth-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ARGS,
      viewport: { width: 1280, height: 860 },
      timeout: 30_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  // Generous: CI machines run other suites at the same time (a cold renderer under load takes seconds).
  context.setDefaultTimeout(20_000);
  return {
    page: () => context.newPage(),
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG as test-artifacts/console/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  nodes: string[];
}

/** axe-core on the page as it is now (the WCAG 2.0/2.1 A and AA rules): the serious and critical findings; all findings go to the artifacts. */
export async function seriousA11yViolations(page: Page, name: string): Promise<AxeFinding[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    // Details of violations only (not of every passing node): the scan is much cheaper.
    .options({ resultTypes: ['violations'] })
    .analyze();
  const findings = results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(join(ARTIFACTS, `${name}.axe.json`), JSON.stringify(findings, null, 2));
  return findings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
}
