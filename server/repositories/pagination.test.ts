import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, toPage } from "./pagination";

const row = (i: number) => ({ id: `id-${i}`, createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });

describe("keyset pagination", () => {
  it("round-trips a cursor", () => {
    expect(decodeCursor(encodeCursor(row(3)))).toEqual({ at: row(3).createdAt, id: "id-3" });
  });

  it("reads a tampered or foreign cursor as the first page", () => {
    expect(decodeCursor("not-base64-json")).toBeNull();
    expect(decodeCursor(Buffer.from('["yesterday", 5]').toString("base64url"))).toBeNull();
    expect(decodeCursor(null)).toBeNull();
  });

  it("gives a next cursor only when there is another row", () => {
    expect(toPage([row(1), row(2), row(3)], 2)).toEqual({
      items: [row(1), row(2)],
      nextCursor: encodeCursor(row(2)),
    });
    expect(toPage([row(1), row(2)], 2)).toEqual({ items: [row(1), row(2)], nextCursor: null });
  });
});
