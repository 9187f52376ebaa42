package catalog

// The catalog queries. They read pg_catalog directly: information_schema
// views join dozens of catalogs with privilege checks and are slow on big
// schemas. Each query returns one kind of object for every relevant schema,
// and all of them travel in one batch (one round trip).

// schemaFilter keeps user schemas: it drops pg_catalog, information_schema,
// pg_toast and the temporary schemas, and applies the optional --schema list
// ($1, a text[]; NULL means all).
const schemaFilter = `n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  AND ($1::text[] IS NULL OR n.nspname = ANY($1::text[]))`

// tablesQuery lists regular and partitioned tables, partitions included
// (with their parent: some schemas, e.g. older pg_dump output, declare
// foreign keys on partitions), with the planner's row estimate
// (partitioned parents sum their partitions; -1 when nothing was ever
// analyzed).
const tablesQuery = `
SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', pn.nspname, pc.relname,
  CASE WHEN c.relkind = 'p' THEN COALESCE((
      SELECT sum(p.reltuples)::bigint FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhrelid
      WHERE i.inhparent = c.oid AND p.reltuples >= 0), -1)
    ELSE c.reltuples::bigint END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_inherits pi ON c.relispartition AND pi.inhrelid = c.oid
LEFT JOIN pg_class pc ON pc.oid = pi.inhparent
LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
WHERE c.relkind IN ('r', 'p') AND ` + schemaFilter + `
ORDER BY n.nspname, c.relname`

// columnsQuery lists the live columns of those tables in attnum order.
const columnsQuery = `
SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
  COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated <> ''
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  AND ` + schemaFilter + `
ORDER BY a.attrelid, a.attnum`

// indexesQuery lists the indexes of those tables with their key columns
// (indnkeyatts: INCLUDE columns do not serve lookups).
const indexesQuery = `
SELECT i.indrelid, ic.relname, (i.indkey::int2[])[0:i.indnkeyatts - 1], i.indisunique, i.indisprimary,
  i.indpred IS NOT NULL, i.indisvalid
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND ` + schemaFilter + `
ORDER BY i.indrelid, ic.relname`

// foreignKeysQuery lists foreign keys declared on those tables. conparentid
// = 0 drops the clones PostgreSQL creates for each partition, so a
// partitioned table has one entry per constraint. Columns come back as
// attribute numbers and are named in Go from the columns already read:
// resolving them here (or calling pg_get_constraintdef) costs a subquery
// per row, which made this query 15x slower on 10,000 foreign keys.
// {{SETCOLS}} is replaced by confdelsetcols on PostgreSQL 15+.
const foreignKeysQuery = `
SELECT n.nspname, c.relname, con.conname, con.conrelid, con.conkey,
  fn.nspname, fc.relname, con.confrelid, con.confkey,
  con.confdeltype::text, con.confupdtype::text, {{SETCOLS}},
  con.condeferrable, con.condeferred, con.convalidated, con.confmatchtype::text,
  fc.reltuples::bigint
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_class fc ON fc.oid = con.confrelid
JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0 AND ` + schemaFilter + `
ORDER BY n.nspname, c.relname, con.conname`

// attributesQuery names the columns of tables outside the schema filter
// that foreign keys reference ($1: their oids); usually it is not needed.
const attributesQuery = `
SELECT attrelid, attnum, attname FROM pg_attribute
WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND NOT attisdropped`
