// Kysely (npm) against one server: its introspection (getSchemas, getTables with columns) and a typed query.
// Usage: node kysely.mjs <host> <port> <user> <password> <database> <schema>
// Prints one JSON line per check: {"check": …, "value": …} or {"check": …, "error": …}.
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'

const [host, port, user, password, database, schema] = process.argv.slice(2)
const db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ host, port: Number(port), user, password,
  database, max: 1 }) }) })
const out = (check, value) => console.log(JSON.stringify({ check, value }))
const fail = (check, err) => console.log(JSON.stringify({ check, error: `${err.code ?? ''} ${err.message}` }))

try {
  const tables = (await db.introspection.getTables()).filter((t) => t.schema === schema)
  out('tables', tables.map((t) => ({ name: t.name, isView: t.isView,
    columns: t.columns.map((c) => [c.name, c.dataType, c.dataTypeSchema, c.isNullable, c.hasDefaultValue,
      c.isAutoIncrementing]) })))
} catch (err) { fail('tables', err) }
try {
  out('schemas', (await db.introspection.getSchemas()).map((s) => s.name).filter((n) => n === schema))
} catch (err) { fail('schemas', err) }
try {
  const rows = await db.withSchema(schema).selectFrom('Customers').select(['Id', 'Name']).where('Id', '>', 0)
    .orderBy('Id').limit(3).execute()
  out('select', rows)
} catch (err) { fail('select', err) }
await db.destroy()
