// TypeORM and Sequelize against one server: connect, introspect a table, query it through the ORM.
// Usage: node orms.js <host> <port> <user> <password> <database> <schema> <table>
// Prints one JSON line per check: {"check": …, "value": …} or {"check": …, "error": …}.
require('reflect-metadata');
const typeorm = require('typeorm');
const { Sequelize, DataTypes, QueryTypes } = require('sequelize');

const [host, port, username, password, database, schema, table] = process.argv.slice(2);
const out = (check, value) => console.log(JSON.stringify({ check, value }));
const fail = (check, err) => console.log(JSON.stringify({ check, error: String(err && err.message || err) }));

async function typeormChecks() {
  const Customer = new typeorm.EntitySchema({
    name: 'Customer', tableName: table, schema,
    columns: { Id: { type: 'bigint', primary: true }, Reference: { type: 'varchar' }, Name: { type: 'varchar' } },
  });
  const source = new typeorm.DataSource({ type: 'postgres', host, port: Number(port), username, password, database,
    schema, entities: [Customer], synchronize: false, logging: process.env.ORM_LOG ? ['query', 'error'] : false });
  try {
    await source.initialize();
    out('typeorm.initialize', true);
  } catch (err) { fail('typeorm.initialize', err); return; }
  const runner = source.createQueryRunner();
  try {
    const described = await runner.getTable(`${schema}.${table}`);
    out('typeorm.table', { columns: described.columns.map((c) => [c.name, c.type, c.isPrimary, c.isNullable]),
      foreignKeys: described.foreignKeys.map((f) => [f.columnNames, f.referencedTableName, f.referencedColumnNames]) });
  } catch (err) { fail('typeorm.table', err); }
  try {
    out('typeorm.schemas', (await runner.getSchemas?.()) ?? null);
  } catch (err) { fail('typeorm.schemas', err); }
  try {
    const rows = await source.getRepository('Customer').find({ order: { Id: 'ASC' }, take: 3 });
    out('typeorm.find', rows.map((r) => [String(r.Id), r.Name]));
    const one = await source.getRepository('Customer').findOneBy({ Id: rows[1].Id });
    out('typeorm.findOneBy', [String(one.Id), one.Name]);
    const counted = await source.getRepository('Customer').createQueryBuilder('c')
      .where('c.Id >= :low', { low: rows[0].Id }).orderBy('c.Id').limit(2).getMany();
    out('typeorm.queryBuilder', counted.map((r) => String(r.Id)));
  } catch (err) { fail('typeorm.find', err); }
  await runner.release();
  await source.destroy();
}

async function sequelizeChecks() {
  const sequelize = new Sequelize(database, username, password, { host, port: Number(port), dialect: 'postgres',
    logging: false });
  try {
    await sequelize.authenticate();
    out('sequelize.authenticate', true);
  } catch (err) { fail('sequelize.authenticate', err); return; }
  const qi = sequelize.getQueryInterface();
  try {
    const described = await qi.describeTable({ tableName: table, schema });
    out('sequelize.describeTable', Object.entries(described).map(([n, d]) => [n, d.type, d.allowNull, d.primaryKey]));
  } catch (err) { fail('sequelize.describeTable', err); }
  try {
    const tables = await qi.showAllTables();
    out('sequelize.showAllTables', tables.length);
  } catch (err) { fail('sequelize.showAllTables', err); }
  try {
    const refs = await qi.getForeignKeyReferencesForTable({ tableName: table, schema });
    out('sequelize.foreignKeys', refs.map((r) => [r.columnName, r.referencedTableName, r.referencedColumnName]));
  } catch (err) { fail('sequelize.foreignKeys', err); }
  try {
    const indexes = await qi.showIndex({ tableName: table, schema });
    out('sequelize.showIndex', indexes.map((i) => [i.name, i.primary, i.unique]));
  } catch (err) { fail('sequelize.showIndex', err); }
  const Customer = sequelize.define('Customer', {
    Id: { type: DataTypes.BIGINT, primaryKey: true }, Reference: DataTypes.STRING, Name: DataTypes.STRING,
  }, { tableName: table, schema, timestamps: false });
  try {
    const rows = await Customer.findAll({ order: [['Id', 'ASC']], limit: 3 });
    out('sequelize.findAll', rows.map((r) => [String(r.Id), r.Name]));
    const one = await Customer.findByPk(rows[1].Id);
    out('sequelize.findByPk', [String(one.Id), one.Name]);
    const n = await Customer.count({ where: { Id: rows.map((r) => r.Id) } });
    out('sequelize.count', n);
    const raw = await sequelize.query('SELECT "Name" FROM "' + schema + '"."' + table + '" WHERE "Id" = :id',
      { replacements: { id: rows[0].Id }, type: QueryTypes.SELECT });
    out('sequelize.rawQuery', raw);
  } catch (err) { fail('sequelize.findAll', err); }
  await sequelize.close();
}

(async () => {
  await typeormChecks();
  await sequelizeChecks();
})().catch((err) => { console.error(err); process.exit(1); });
