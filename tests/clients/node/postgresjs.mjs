// postgres.js (npm `postgres`, its own protocol implementation: named prepared statements, its own type
// fetching at connect, binary-free text results) against one server.
// Usage: node postgresjs.mjs <url> <schema> <customer id>
// Prints one JSON line per check: {"check": …, "value": …} or {"check": …, "error": …}.
import postgres from 'postgres'

const [url, schema, customerId] = process.argv.slice(2)
const sql = postgres(url, { max: 1, onnotice: () => {} })
const out = (check, value) => console.log(JSON.stringify({ check, value }))
const fail = (check, err) => console.log(JSON.stringify({ check, error: `${err.code ?? ''} ${err.message}` }))
const plain = (rows) => rows.map((r) => ({ ...r }))
const shape = (rows) => ({ columns: rows.columns.map((c) => [c.name, c.type]), rows: plain(rows) })

async function check(name, run) {
  try { out(name, await run()) } catch (err) { fail(name, err) }
}

// Constant queries: the same answer as PostgreSQL 15's
await check('types', async () => shape(await sql`SELECT 1 AS i, 2::int8 AS b, 1.50::numeric AS n, 'a'::text AS t,
  true AS f, NULL::int AS z, DATE '2024-02-29' AS d, TIMESTAMP '2024-01-02 03:04:05.678' AS ts,
  '{"a": [1, 2]}'::jsonb AS j, ARRAY[1, 2, 3] AS arr, ARRAY['x', NULL]::text[] AS tarr, '\\x00ff'::bytea AS by`))
await check('parameters', async () => shape(await sql`SELECT ${41}::int + 1 AS x, ${'y'} || 'x' AS s,
  ${new Date('2024-01-02T03:04:05.000Z')}::timestamptz AS d, ${[1, 2]}::int[] AS a, ${sql.json({ k: 'v' })} AS j,
  ${null}::text AS n, ${true}::bool AS b`))
await check('dynamic', async () => shape(await sql`SELECT ${sql('g')} FROM generate_series(1, 5) AS t(g)
  WHERE g IN ${sql([2, 4])} ORDER BY 1`))
await check('cursor', async () => {
  const chunks = []
  for await (const rows of sql`SELECT g FROM generate_series(1, 25) AS t(g) ORDER BY g`.cursor(10)) chunks.push(rows.length)
  return chunks
})
await check('transaction', async () => sql.begin(async (tx) => {
  await tx`SET LOCAL statement_timeout = '5s'`
  return plain(await tx`SELECT current_setting('statement_timeout') AS timeout`)
}))
await check('savepoint', async () => sql.begin(async (tx) => {
  const inner = await tx.savepoint(async (sp) => plain(await sp`SELECT 2 AS two`))
  return [inner, plain(await tx`SELECT 3 AS three`)]
}))
await check('simple_protocol', async () => (await sql.unsafe('SELECT 1 AS one; SELECT 2 AS two')).map(plain))
await check('error', async () => {
  try { await sql`SELECT * FROM no_such_table`; return 'no error' } catch (err) { return [err.code, err.message] }
})
await check('after_error', async () => plain(await sql`SELECT 'still usable' AS s`))

// The Sage view: the rows the API holds (compared with the sandbox by the test)
const view = sql(schema + '.Customers')
await check('customer', async () => shape(await sql`SELECT "Id", "Reference", "Name", "CreditLimit"
  FROM ${view} WHERE "Id" = ${Number(customerId)}`))
await check('customers_first', async () => plain(await sql`SELECT "Id", "Name" FROM ${view} ORDER BY "Id" LIMIT ${3}`))

await sql.end()
