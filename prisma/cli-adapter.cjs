// Workarounds for running the Prisma 6.19 CLI on the wasm ("js") schema engine through @prisma/adapter-pg,
// so that `migrate dev|deploy` never downloads a native engine (air-gapped sites, this CI).
// Upstream: prisma/prisma#27403 (adapter-pg rejects catalog column types the schema engine reads).
// Used by prisma.config.ts only; the application's PrismaClient uses the adapter unmodified.
'use strict';
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');

// Catalog types the schema engine selects (name, "char", regproc, regclass, ...) that adapter-pg refuses.
// Their text form is what the engine wants, so we relabel them as text (oid 25).
const CATALOG_OIDS = new Set([18, 19, 22, 24, 30, 194, 2205, 2206]);
const TEXT_OID = 25;

// adapter-pg drops the shadow database before closing its own pool to it ("being accessed by other users").
const SHADOW_DROP = /^DROP DATABASE "(prisma_migrate_shadow_db_[0-9a-f-]+)"$/;

function relabelCatalogColumns(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of r?.fields ?? []) {
      if (CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

class CatalogAsTextClient extends pg.Client {
  query(...args) {
    if (typeof args[0] === 'string' && SHADOW_DROP.test(args[0].trim())) {
      args[0] = args[0].trim() + ' WITH (FORCE)';
    }
    // pg-pool calls query(config, values, callback); direct callers use the promise form.
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
    const pending = super.query(...args).then(relabelCatalogColumns);
    if (!callback) return pending;
    pending.then(
      (result) => callback(null, result),
      (error) => callback(error),
    );
    return undefined;
  }

  // WITH (FORCE) ends the shadow pool's idle connections; that pool has no error listener, so the
  // expected connection-terminated event would crash the CLI. Query errors still reject their queries;
  // only idle-connection 'error' events of throwaway shadow databases are dropped.
  emit(event, ...rest) {
    const isShadow = String(this.database ?? '').startsWith('prisma_migrate_shadow_db_');
    if (event === 'error' && isShadow) return true;
    return super.emit(event, ...rest);
  }
}

// Discrete connection fields, not `connectionString`: adapter-pg builds the shadow database config by
// spreading this object with another `database`, which a connectionString would silently override.
function discretePoolConfig(url) {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username) || 'postgres',
    password: decodeURIComponent(u.password) || undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    Client: CatalogAsTextClient,
    // Idle pooled connections would otherwise keep the CLI alive for pg's 10 s idle timeout.
    allowExitOnIdle: true,
  };
}

function cliAdapter(url) {
  return new PrismaPg(discretePoolConfig(url));
}

module.exports = { cliAdapter, discretePoolConfig };
