import { count, sql } from "drizzle-orm";
import { integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import {
  batchRows,
  noStatement,
  prepared,
  preparedQuery,
  runInTransaction,
  statement,
  toDate,
} from "@/db/statements";
import { createTestDatabase } from "@/server/testing/database";

let database: Database;

const notes = pgTable("notes", {
  id: integer("id").primaryKey(),
  body: jsonb("body").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull(),
  tag: text("tag").notNull().default("none"),
});

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(
    sql`create table notes (id int primary key, body jsonb not null, at timestamptz not null, tag text not null default 'none')`,
  );
});

afterAll(async () => {
  await database?.close();
});

const insertNotes = (rows: { id: number; body: unknown; at: Date }[]) =>
  statement(
    database.db
      .insert(notes)
      .values(rows)
      .returning({ id: notes.id, body: notes.body, at: notes.at }),
    (result) => result.map((r) => ({ id: Number(r.id), body: r.body, at: toDate(r.at) })),
  );
const countNotes = () =>
  statement(database.db.select({ n: count().as("n") }).from(notes), (result) =>
    Number(result[0]!.n),
  );

describe("statements run in one transaction", () => {
  it("returns each statement's rows, read as the statement says, in order", async () => {
    const at = new Date("2026-03-02T10:00:00.123Z");
    const [inserted, counted, nothing, fragment] = await runInTransaction(database.db, [
      insertNotes([
        { id: 1, body: { text: "first" }, at },
        { id: 2, body: ["second"], at },
      ]),
      countNotes(),
      noStatement("not sent"),
      statement(sql`select max(${notes.id}) as top from ${notes}`, (result) =>
        Number(result[0]!.top),
      ),
    ]);
    expect(inserted).toEqual([
      { id: 1, body: { text: "first" }, at },
      { id: 2, body: ["second"], at },
    ]);
    expect(counted).toBe(2); // the second statement sees the first one's rows
    expect(nothing).toBe("not sent");
    expect(fragment).toBe(2); // an sql fragment is printed the same way as a builder
  });

  it("keeps nothing of a batch when one of its statements fails, and says why", async () => {
    const at = new Date();
    const attempt = runInTransaction(database.db, [
      insertNotes([{ id: 3, body: {}, at }]),
      insertNotes([{ id: 1, body: {}, at }]),
    ]);
    await expect(attempt).rejects.toMatchObject({ code: "23505" });
    const [counted] = await runInTransaction(database.db, [countNotes()]);
    expect(counted).toBe(2); // note 3 was rolled back with the failed insert
  });

  it("stores a batch of any size as one parameter, in order, with the defaults of the columns it does not give", async () => {
    const insertBatch = prepared<{ rows: string }, { id: number; tag: string }[]>(
      (db) =>
        db
          .insert(notes)
          .select(batchRows(notes, ["id", "body", "at"]))
          .returning({ id: notes.id, tag: notes.tag }),
      (result) => result.map((r) => ({ id: Number(r.id), tag: r.tag as string })),
    );
    const at = new Date("2026-03-02T11:00:00.000Z");
    const rows = [10, 12, 11].map((id) => ({ id, body: { id }, at }));
    const first = insertBatch(database.db, { rows: JSON.stringify(rows.slice(0, 1)) });
    const second = insertBatch(database.db, { rows: JSON.stringify(rows.slice(1)) });
    expect(second.text).toBe(first.text); // printed once, whatever the batch
    expect(second.params).toContain(JSON.stringify(rows.slice(1))); // the whole batch, one parameter
    expect(second.params).toHaveLength(first.params.length);
    const [one, two] = await runInTransaction(database.db, [first, second]);
    expect(one).toEqual([{ id: 10, tag: "none" }]);
    expect(two).toEqual([
      { id: 12, tag: "none" },
      { id: 11, tag: "none" },
    ]);
    const stored = await database.db
      .select()
      .from(notes)
      .where(sql`${notes.id} >= 10`);
    expect(stored).toContainEqual({ id: 11, body: { id: 11 }, at, tag: "none" });
  });

  it("sends a batch whose statements all take parameters in one trip, each seeing the ones before it", async () => {
    const at = new Date("2026-03-02T10:30:00.000Z");
    const countFrom = (id: number) =>
      statement(
        database.db
          .select({ n: count().as("n") })
          .from(notes)
          .where(sql`${notes.id} >= ${id}`),
        (result) => Number(result[0]!.n),
      );
    const [before, inserted, after, deleted, left] = await runInTransaction(database.db, [
      countFrom(900),
      insertNotes([
        { id: 900, body: { n: 900 }, at },
        { id: 901, body: { n: 901 }, at },
      ]),
      countFrom(900),
      statement(
        database.db
          .delete(notes)
          .where(sql`${notes.id} >= ${900}`)
          .returning({ id: notes.id }),
        (result) => result.map((row) => Number(row.id)).sort(),
      ),
      countFrom(900),
    ]);
    expect(before).toBe(0);
    expect(inserted.map((row) => row.id)).toEqual([900, 901]);
    expect(after).toBe(2);
    expect(deleted).toEqual([900, 901]);
    expect(left).toBe(0); // a statement answering no rows still takes its own place
  });
});

describe("a prepared read", () => {
  const byTag = preparedQuery("notes_by_tag", (db) =>
    db
      .select({ id: notes.id, body: notes.body, at: notes.at })
      .from(notes)
      .where(sql`${notes.tag} = ${sql.placeholder("tag")}`)
      .orderBy(notes.id),
  );

  it("is built once per database and answers each call with its own values, mapped as Drizzle maps them", async () => {
    const at = new Date("2026-03-02T12:00:00.000Z");
    await database.db.insert(notes).values([
      { id: 20, body: { n: 20 }, at, tag: "red" },
      { id: 21, body: { n: 21 }, at, tag: "blue" },
      { id: 22, body: { n: 22 }, at, tag: "red" },
    ]);
    expect(byTag(database.db)).toBe(byTag(database.db));
    expect(await byTag(database.db).execute({ tag: "red" })).toEqual([
      { id: 20, body: { n: 20 }, at },
      { id: 22, body: { n: 22 }, at },
    ]);
    expect(await byTag(database.db).execute({ tag: "blue" })).toEqual([
      { id: 21, body: { n: 21 }, at },
    ]);
    expect(await byTag(database.db).execute({ tag: "green" })).toEqual([]);
  });

  it("reads inside a transaction what the transaction wrote, and only there", async () => {
    const at = new Date("2026-03-02T13:00:00.000Z");
    const rolledBack = new Error("roll back");
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(notes).values({ id: 30, body: {}, at, tag: "inside" });
        expect(await byTag(tx).execute({ tag: "inside" })).toEqual([{ id: 30, body: {}, at }]);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await byTag(database.db).execute({ tag: "inside" })).toEqual([]);
  });
});
