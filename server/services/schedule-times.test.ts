import { describe, expect, it } from "vitest";
import {
  canonicalTimezone,
  checkSchedule,
  decideFire,
  describeCron,
  MISFIRE_GRACE_MS,
  nextFireTimes,
} from "./schedule-times";

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const at = (text: string) => new Date(text);

describe("next fire times", () => {
  it("keep 09:00 Berlin time on weekdays across the start of summer time", () => {
    // Summer time begins on Sunday 29 March 2026: 09:00 is 08:00 UTC before, 07:00 UTC after.
    expect(
      iso(nextFireTimes("0 9 * * 1-5", "Europe/Berlin", 3, at("2026-03-26T12:00:00Z"))),
    ).toEqual(["2026-03-27T08:00:00.000Z", "2026-03-30T07:00:00.000Z", "2026-03-31T07:00:00.000Z"]);
  });

  it("fire once on the night Berlin's clocks skip the hour the time falls in", () => {
    // 02:30 does not exist on 29 March 2026 in Berlin; the schedule still fires once that night.
    const fires = nextFireTimes("30 2 * * *", "Europe/Berlin", 3, at("2026-03-28T00:00:00Z"));
    expect(fires[0]!.toISOString()).toBe("2026-03-28T01:30:00.000Z");
    expect(fires[1]!.toISOString().slice(0, 10)).toBe("2026-03-29");
    expect(fires[2]!.toISOString()).toBe("2026-03-30T00:30:00.000Z");
  });

  it("fire once, not twice, at 01:30 New York time when the clocks fall back and the hour repeats", () => {
    // 1 November 2026: 01:00-02:00 happens twice in New York (EDT, then EST).
    expect(
      iso(nextFireTimes("30 1 * * *", "America/New_York", 3, at("2026-10-31T12:00:00Z"))),
    ).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z", "2026-11-03T06:30:00.000Z"]);
  });

  it("keep every 30 minutes of real time through New York's repeated hour", () => {
    expect(
      iso(nextFireTimes("*/30 * * * *", "America/New_York", 5, at("2026-11-01T04:50:00Z"))),
    ).toEqual([
      "2026-11-01T05:00:00.000Z",
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T06:00:00.000Z",
      "2026-11-01T06:30:00.000Z",
      "2026-11-01T07:00:00.000Z",
    ]);
  });

  it("follow New York's start of summer time at 09:00 local", () => {
    // 8 March 2026: EST (UTC-5) becomes EDT (UTC-4).
    expect(
      iso(nextFireTimes("0 9 * * *", "America/New_York", 2, at("2026-03-07T00:00:00Z"))),
    ).toEqual(["2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z"]);
  });
});

describe("checking an expression and a time zone", () => {
  it("accepts five fields and nicknames in a real time zone", () => {
    expect(checkSchedule("0 9 * * 1-5", "Europe/Berlin")).toBeNull();
    expect(checkSchedule("@daily", "UTC")).toBeNull();
  });

  it("names the field that is wrong", () => {
    expect(checkSchedule("61 9 * * *", "UTC")).toMatchObject({
      field: "cron",
      message: expect.stringContaining("minute"),
    });
    expect(checkSchedule("0 9 * *", "UTC")?.field).toBe("cron");
    expect(checkSchedule("0 0 9 * * *", "UTC")?.field).toBe("cron"); // seconds are not offered
    expect(checkSchedule("0 0 30 2 *", "UTC")).toEqual({
      field: "cron",
      message: "This expression never fires (no such date)",
    });
    expect(checkSchedule("0 9 * * *", "Mars/Olympus")).toMatchObject({ field: "timezone" });
    expect(checkSchedule("0 9 * * *", "")?.field).toBe("timezone");
  });

  it("spells time zones as the runtime does", () => {
    expect(canonicalTimezone("europe/berlin")).toBe("Europe/Berlin");
    expect(canonicalTimezone("Nowhere/Special")).toBeUndefined();
  });
});

describe("the misfire decision", () => {
  const hourly = { cron: "0 * * * *", timezone: "UTC" };

  it("fires a schedule due a few seconds ago at its due time", () => {
    const dueAt = at("2026-05-04T09:00:00Z");
    expect(
      decideFire({ ...hourly, misfire: "skip", dueAt, now: at("2026-05-04T09:00:02Z") }),
    ).toEqual({
      fireAt: dueAt,
      nextFireAt: at("2026-05-04T10:00:00Z"),
      missed: 0,
    });
  });

  it("skips every fire missed in a long stop and moves on to the next future time", () => {
    expect(
      decideFire({
        ...hourly,
        misfire: "skip",
        dueAt: at("2026-05-04T09:00:00Z"),
        now: at("2026-05-04T12:30:00Z"),
      }),
    ).toEqual({
      fireAt: null,
      nextFireAt: at("2026-05-04T13:00:00Z"),
      missed: 4,
    });
  });

  it("runs once for all the fires missed, as the latest of them, then moves on", () => {
    expect(
      decideFire({
        ...hourly,
        misfire: "run-once",
        dueAt: at("2026-05-04T09:00:00Z"),
        now: at("2026-05-04T12:30:00Z"),
      }),
    ).toEqual({
      fireAt: at("2026-05-04T12:00:00Z"),
      nextFireAt: at("2026-05-04T13:00:00Z"),
      missed: 3,
    });
  });

  it("counts a fire just past the grace as missed", () => {
    const dueAt = at("2026-05-04T09:00:00Z");
    const now = new Date(dueAt.getTime() + MISFIRE_GRACE_MS + 1000);
    expect(decideFire({ ...hourly, misfire: "skip", dueAt, now }).fireAt).toBeNull();
    expect(decideFire({ ...hourly, misfire: "run-once", dueAt, now }).fireAt).toEqual(dueAt);
  });

  it("decides in the schedule's time zone across a DST change", () => {
    // Down from Saturday 08:00 Berlin to Monday noon: the next 09:00 Berlin weekday is Tuesday, in summer time.
    const decision = decideFire({
      cron: "0 9 * * 1-5",
      timezone: "Europe/Berlin",
      misfire: "run-once",
      dueAt: at("2026-03-27T08:00:00Z"),
      now: at("2026-03-30T10:00:00Z"),
    });
    expect(decision).toEqual({
      fireAt: at("2026-03-30T07:00:00Z"),
      nextFireAt: at("2026-03-31T07:00:00Z"),
      missed: 1,
    });
  });
});

describe("cron in words", () => {
  it("says the common shapes", () => {
    expect(describeCron("0 9 * * 1-5")).toBe("Every weekday at 09:00");
    expect(describeCron("*/15 * * * *")).toBe("Every 15 minutes");
    expect(describeCron("30 18 * * *")).toBe("Every day at 18:30");
    expect(describeCron("0 8 * * 1")).toBe("Every Monday at 08:00");
    expect(describeCron("0 0 1 * *")).toBe("On day 1 of every month at 00:00");
    expect(describeCron("@hourly")).toBe("Every hour, on the hour");
  });

  it("leaves the rest to the expression", () => {
    expect(describeCron("0 9 1-7 * 1")).toBeNull();
    expect(describeCron("0 9 * 1 *")).toBeNull();
  });
});
