import fs from 'node:fs';
import path from 'node:path';
import { renderOpenApi } from '../apps/api/src/openapi';

/** The OpenAPI document is an artifact: generated from the code, committed, and diffed here. */
describe('openapi.json', () => {
  it('matches the code (run `npm run build && npm run openapi` after an API change)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'openapi.json'), 'utf8');
    const generated = await renderOpenApi();
    expect(JSON.parse(generated)).toEqual(JSON.parse(committed));
    expect(Object.keys(JSON.parse(generated).paths).length).toBeGreaterThan(25);
  });
});
