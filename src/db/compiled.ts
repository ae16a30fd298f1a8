/**
 * Queries compiled once per database instead of on every call. Kysely builds and compiles a query
 * each time it runs; for a large query on a hot path (the public tracking page) that costs more
 * than executing it. `compiledOnce` builds the query a single time with sentinel arguments, finds
 * each sentinel among the compiled parameters, and afterwards only swaps the real arguments in.
 * On PostgreSQL the statement is also prepared once per connection (PREPARED_MARK).
 */
import type { CompiledQuery, Compilable, Kysely } from 'kysely';
import { PREPARED_MARK } from './database.js';
import type { Database } from './schema.js';

export function compiledOnce<Args extends readonly unknown[], Row>(
  build: (db: Kysely<Database>, ...args: Args) => Compilable<Row>,
  sentinels: Args,
): (db: Kysely<Database>, ...args: Args) => Promise<Row[]> {
  const cache = new WeakMap<Kysely<Database>, { query: CompiledQuery<Row>; slots: number[] }>();
  return async (db, ...args) => {
    let c = cache.get(db);
    if (!c) {
      const built = build(db, ...sentinels).compile();
      const query = { ...built, sql: PREPARED_MARK + built.sql };
      const slots = sentinels.map((s) => {
        const at = query.parameters.flatMap((p, i) => (p === s ? [i] : []));
        if (at.length !== 1) throw new Error(`compiledOnce: sentinel ${String(s)} appears ${at.length} times among the parameters`);
        return at[0]!;
      });
      c = { query, slots };
      cache.set(db, c);
    }
    const parameters = [...c.query.parameters];
    c.slots.forEach((slot, i) => (parameters[slot] = args[i]));
    const r = await db.executeQuery<Row>({ ...c.query, parameters });
    return r.rows;
  };
}
