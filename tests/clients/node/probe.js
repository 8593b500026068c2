// node-postgres (npm pg) against our server: Client, Pool, parameterised and prepared queries, types.
// Usage: node probe.js <connection string> <customer id>; prints one JSON object per check.
'use strict';
const { Client, Pool } = require('pg');

const [url, customerId] = process.argv.slice(2);
const CUSTOMER_SQL = 'SELECT "Id", "Reference", "Name", "Balance", "OnHold", "DateTimeUpdated" ' +
  'FROM "StandardUK"."Customers" WHERE "Id" = $1';

function emit(check, value) {
  console.log(JSON.stringify({ check, value }));
}

async function attempt(check, body) {
  try {
    emit(check, await body());
  } catch (err) {
    emit(check, { error: err.code || String(err), message: err.message });
  }
}

function describe(row, fields) {
  return {
    fields: fields.map((f) => [f.name, f.dataTypeID]),
    types: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? 'Date' : typeof v])),
    row: Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])),
  };
}

async function main() {
  const client = new Client({ connectionString: url });
  await client.connect();
  await attempt('server_version', async () => (await client.query('SHOW server_version')).rows[0].server_version);
  await attempt('parameterised', async () => {
    const res = await client.query(CUSTOMER_SQL, [customerId]);
    return describe(res.rows[0], res.fields);
  });
  await attempt('prepared', async () => {
    const out = [];
    for (let i = 0; i < 3; i++) {
      const res = await client.query({ name: 'customer_by_id', text: CUSTOMER_SQL, values: [customerId] });
      out.push(res.rows[0].Reference);
    }
    return out;
  });
  await attempt('rowmode_array', async () => {
    const res = await client.query({ text: 'SELECT "Id", "Name" FROM "StandardUK"."Currencies" ORDER BY "Id" LIMIT 2',
      rowMode: 'array' });
    return res.rows;
  });
  await attempt('error', async () => client.query('SELECT * FROM "StandardUK"."NoSuchView"'));
  await attempt('after_error', async () => (await client.query('SELECT 1 AS one')).rows[0].one);
  await client.end();

  const pool = new Pool({ connectionString: url, max: 3 });
  await attempt('pool', async () => {
    const counts = await Promise.all([0, 1, 2, 3, 4, 5].map(async () =>
      (await pool.query('SELECT count(*)::int AS n FROM "StandardUK"."Customers"')).rows[0].n));
    return counts;
  });
  await pool.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
