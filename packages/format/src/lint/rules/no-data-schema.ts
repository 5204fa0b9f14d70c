/**
 * `no-data-schema`: a database design given in words ("a users table with email and password_hash",
 * "a foreign key to posts", "MongoDB with a collection per customer"). Recognised by storage
 * vocabulary that only a schema has (keys, indexes, column types), by a database product next to
 * its structures, or by column names spelled as code; a table a user sees ("a table of results") is
 * not a schema.
 */
import type { LintView } from '../lint-view.js';
import type { LintFinding } from '../rule.js';
import { defineLintRule } from '../rule.js';
import { quoted, shapeFindings, shapeSet, type WordShape } from '../shapes.js';

/** Database products. Alone they may be a requirement of the product; with their structures they are a design. */
const DATABASES = String.raw`(?:PostgreSQL|Postgres|MySQL|MariaDB|SQLite|MongoDB|Mongo|Redis|DynamoDB|Cassandra|Elasticsearch|OpenSearch|Firestore|Supabase|CouchDB|Neo4j|SQL\s+Server|MSSQL|CockroachDB|ClickHouse|BigQuery|Memcached|Cosmos\s*DB|InfluxDB|TimescaleDB|PlanetScale)`;

/** The structures a database design is made of. */
const STRUCTURES = String.raw`(?:tables?|columns?|collections?|indexe?s?|indices|schemas?|keys?|keyed|sorted\s+sets?|hash(?:es)?|documents?|rows?|fields?|buckets?|partitions?)`;

/** Structures only storage has (a file or a screen has columns and fields too). */
const STORAGE = '(?:tables?|collections?|indexe?s?|indices|schemas?|database|db)';

/** A column or field name spelled as code: `password_hash`, `created_at`. */
const SNAKE_CASE = String.raw`(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])`;

/** Each shape with the lower-cased words of which a line needs one before the pattern is tried. */
const SHAPES: readonly WordShape[] = [
  { re: /\b(?:primary|foreign|composite|partition)\s+keys?\b/i, what: 'a key', needs: ['key'] },
  { re: /\b(?:join|junction|link|association)\s+tables?\b/i, what: 'a join table', needs: ['table'] },
  {
    re: /\b(?:unique|ttl|composite|compound|partial|full-?text|gin|b-?tree)\s+index(?:es)?(?=\s+(?:on|for|over|of)\b|\s*(?:$|[,.;)]))|\bindex(?:es)?\s+on\s+(?:the\s+)?`?[a-z_]+`?(?:\s+column)?(?=\s*(?:$|[,.;)]|\s+(?:and|column|field|of|in|for)\b))/i,
    what: 'an index',
    needs: ['index'],
  },
  {
    re: /\b(?:varchar|nvarchar|char|decimal|numeric)\s*\(\s*\d+|\b(?:VARCHAR|TEXT|INTEGER|INT|BIGINT|SMALLINT|BOOLEAN|TIMESTAMP|TIMESTAMPTZ|UUID|JSONB|JSON|BLOB|SERIAL|DATETIME|REAL|FLOAT)\s+columns?\b|\b(?:varchar|bigint|timestamptz|jsonb|uuid|datetime|int)\s+(?:columns?|fields?)\b/,
    what: 'a column type',
    needs: ['char', 'decimal', 'numeric', 'column', 'field'],
  },
  {
    // A typed field list: "name (string), age (integer)".
    re: /\b\w+\s*\((?:string|integer|int|text|boolean|bool|number|float|double|decimal|date|datetime|timestamp|uuid|varchar)\)/i,
    what: 'typed fields',
    needs: ['('],
  },
  {
    re: new RegExp(
      String.raw`\b${DATABASES}\b.{0,80}?\b${STRUCTURES}\b|\b${STRUCTURES}\b.{0,40}?\b(?:in|on|of)\s+${DATABASES}\b`,
    ),
    what: 'a database with its structures',
    needs: [
      'postgres',
      'mysql',
      'mariadb',
      'sqlite',
      'mongo',
      'redis',
      'dynamo',
      'cassandra',
      'search',
      'firestore',
      'supabase',
      'couchdb',
      'neo4j',
      'sql',
      'cockroach',
      'clickhouse',
      'bigquery',
      'memcached',
      'cosmos',
      'influx',
      'timescale',
      'planetscale',
    ],
  },
  {
    // Storage structures only: "a CSV with first_name and last_name columns" is an output format.
    re: new RegExp(String.raw`${SNAKE_CASE}.{0,80}?\b${STORAGE}\b|\b${STORAGE}\b.{0,80}?${SNAKE_CASE}`),
    what: 'columns named as code',
    needs: ['_'],
  },
  // Columns named by storage conventions: `created_at`, `user_id`, `deleted_by` next to a column or field.
  {
    re: /(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)*_(?:at|id|by|on|ts|fk|pk)\b.{0,40}?\b(?:columns?|fields?)\b/,
    what: 'a column named as code',
    needs: ['_'],
  },
  // Indexing a table: "index the orders table on status".
  { re: /\bindex\s+the\s+\w+\s+(?:table|collection)\b/i, what: 'an index', needs: ['index'] },
  // A table or collection with its column list in parentheses: "a notes table (id, title, body)".
  { re: /\b(?:tables?|collections?)\s*\(\s*\w+\s*,\s*\w+/i, what: 'a table with its columns', needs: ['('] },
];

const SHAPE_SET = shapeSet(SHAPES);

/** Reports database designs given in words. */
function checkDataSchema(view: LintView): LintFinding[] {
  return shapeFindings(view, SHAPE_SET, (found) => `Designs the storage (${found.what}): ${quoted(found)}.`);
}

/** `no-data-schema`: database designs given in words. */
export const noDataSchema = defineLintRule({
  id: 'no-data-schema',
  defaultSeverity: 'warning',
  summary: 'database designs in words (tables with columns, keys, indexes, column types)',
  description:
    'Designs the storage in words: keys and indexes, join tables, column types, a database product together with its tables or collections, or columns named as code (`password_hash`). The data a product must keep is an outcome; how it is laid out is the executor’s choice.',
  hint: 'Say what must be kept, found or kept unique ("an email address belongs to one account"); the executor designs tables, keys and indexes.',
  examples: {
    context: 'requirements',
    bad: [
      '- Use PostgreSQL with a users table holding the email and a password hash',
      '- Give the comments table a foreign key to posts',
      '- Add a sessions table with columns id, user_id and expires_at',
      '- Store the title in a varchar(255) column',
    ],
    good: [
      '- Create a table of results for the report',
      '- The orders page shows a table with the date, total and status of each order',
      '- Store data in SQLite',
      '- Each post can have many comments, and each comment belongs to one user',
      '- Each guest gets a unique key to unlock the door',
    ],
  },
  notes: [
    'Storage vocabulary that only a schema has counts on its own: primary, foreign, composite and partition keys; join tables; unique, TTL, composite, compound, partial and full-text indexes, and an index on a column; column types (`varchar(255)`, `TEXT column`, `jsonb field`); typed field lists (`name (string), age (integer)`); a table with its column list in parentheses.',
    'A database product (PostgreSQL, MySQL, SQLite, MongoDB, Redis, DynamoDB, ...) counts only next to its structures (table, column, collection, index, schema, key, hash, sorted set, document, row, field). "Store data in SQLite" alone may be a requirement of the product and is not reported.',
    'A snake_case name next to a storage structure (table, collection, index, schema, database) is a column named as code (`a sessions table with user_id`); next to "column" or "field" only with a storage suffix (`created_at`, `user_id`, `deleted_by`), since an export file has columns too ("a CSV with first_name and last_name columns" is an output format).',
    'So "a table of results", "a table with the date and total of each order", "a unique key to unlock the door" (no key kind listed) and relationships stated as outcomes ("each comment belongs to one user") are English.',
  ],
  vocabulary: SHAPES.flatMap((s) => s.needs),
  check: checkDataSchema,
});
