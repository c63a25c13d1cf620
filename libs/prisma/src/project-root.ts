import fs from 'node:fs';
import path from 'node:path';

/** The folder holding prisma/schema.prisma (the repo root), found from source or from dist/. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'prisma', 'schema.prisma'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot find prisma/schema.prisma above ${from}`);
    dir = parent;
  }
}
