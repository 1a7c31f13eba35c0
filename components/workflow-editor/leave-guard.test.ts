import { describe, expect, it } from "vitest";
import { inAppLinkTarget, whyNotLeave, type ClickLike } from "./leave-guard";

const here = "https://maestro.test/workflows/1";
const leftClick: ClickLike = {
  button: 0,
  metaKey: false,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  defaultPrevented: false,
};
const link = (href: string, extra: { target?: string; hasDownload?: boolean } = {}) => ({
  href,
  target: "",
  hasDownload: false,
  ...extra,
});

describe("which clicks leave the editor for another page of the app", () => {
  it("a plain click on a sidebar link does", () => {
    expect(
      inAppLinkTarget(leftClick, link("https://maestro.test/runs?status=failed#top"), here),
    ).toBe("/runs?status=failed#top");
    expect(inAppLinkTarget(leftClick, link("/workflows"), here)).toBe("/workflows");
  });

  it("a click that opens a new tab or window, another site, a download or a jump within the page does not", () => {
    expect(inAppLinkTarget({ ...leftClick, ctrlKey: true }, link("/runs"), here)).toBeNull();
    expect(inAppLinkTarget({ ...leftClick, metaKey: true }, link("/runs"), here)).toBeNull();
    expect(inAppLinkTarget({ ...leftClick, button: 1 }, link("/runs"), here)).toBeNull();
    expect(
      inAppLinkTarget({ ...leftClick, defaultPrevented: true }, link("/runs"), here),
    ).toBeNull();
    expect(inAppLinkTarget(leftClick, link("/runs", { target: "_blank" }), here)).toBeNull();
    expect(
      inAppLinkTarget(leftClick, link("/api/audit/export", { hasDownload: true }), here),
    ).toBeNull();
    expect(inAppLinkTarget(leftClick, link("https://github.com/"), here)).toBeNull();
    expect(inAppLinkTarget(leftClick, link("#problems"), here)).toBeNull();
    expect(inAppLinkTarget(leftClick, null, here)).toBeNull();
  });
});

describe("whether the editor may be left once the pending save was tried", () => {
  it("may when everything is stored", () => {
    expect(whyNotLeave(true, { state: "saved" }, [])).toEqual({ canLeave: true });
  });

  it("asks first when the save failed, saying why", () => {
    expect(whyNotLeave(false, { state: "failed", message: "Failed to fetch" }, [])).toEqual({
      canLeave: false,
      reasons: ["The draft could not be saved: Failed to fetch"],
    });
  });

  it("asks first when a field holds text that is not saved because it is not valid", () => {
    expect(
      whyNotLeave(true, { state: "saved" }, [
        { message: "Value: Not valid JSON. What you typed is not saved until this is fixed." },
      ]),
    ).toEqual({
      canLeave: false,
      reasons: ["Value: Not valid JSON. What you typed is not saved until this is fixed."],
    });
  });
});
