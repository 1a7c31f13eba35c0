import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { json, runInTransaction, statement, timestamp, toDate, valuesList } from "@/db/statements";
import { createTestDatabase } from "@/server/testing/database";

let database: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(
    sql`create table notes (id int primary key, body jsonb not null, at timestamptz not null)`,
  );
});

afterAll(async () => {
  await database?.close();
});

const insertNotes = (rows: { id: number; body: unknown; at: Date }[]) => {
  const params: unknown[] = [];
  const values = valuesList(
    rows.map((r) => [r.id, json(r.body), timestamp(r.at)]),
    ["int", "jsonb", "timestamptz"],
    params,
  );
  return statement(
    `insert into notes (id, body, at) values ${values} returning id, body, at`,
    params,
    (result) => result.map((r) => ({ id: Number(r.id), body: r.body, at: toDate(r.at) })),
  );
};
const countNotes = () =>
  statement("select count(*) as n from notes", [], (result) => Number(result[0]!.n));

describe("statements run in one transaction", () => {
  it("returns each statement's rows, read as the statement says, in order", async () => {
    const at = new Date("2026-03-02T10:00:00.123Z");
    const [inserted, count, nothing] = await runInTransaction(database.db, [
      insertNotes([
        { id: 1, body: { text: "first" }, at },
        { id: 2, body: ["second"], at },
      ]),
      countNotes(),
      statement("", [], () => "not sent"),
    ]);
    expect(inserted).toEqual([
      { id: 1, body: { text: "first" }, at },
      { id: 2, body: ["second"], at },
    ]);
    expect(count).toBe(2); // the second statement sees the first one's rows
    expect(nothing).toBe("not sent");
  });

  it("keeps nothing of a batch when one of its statements fails, and says why", async () => {
    const at = new Date();
    const attempt = runInTransaction(database.db, [
      insertNotes([{ id: 3, body: {}, at }]),
      insertNotes([{ id: 1, body: {}, at }]),
    ]);
    await expect(attempt).rejects.toMatchObject({ code: "23505" });
    const [count] = await runInTransaction(database.db, [countNotes()]);
    expect(count).toBe(2); // note 3 was rolled back with the failed insert
  });
});
