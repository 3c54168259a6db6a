import { describe, expect, it } from "vitest";
import { FAILURE_WORDS, isErrorKind, isReportTarget, REPORT_TARGETS, roleWords, statusOk } from "../src/lib/enums";
import { toAppError } from "../src/ipc";

describe("enums from Rust", () => {
  it("accepts only known error codes, and turns unknown ones into internal", () => {
    expect(isErrorKind("wrong_key")).toBe(true);
    expect(isErrorKind("locked")).toBe(true);
    expect(isErrorKind("toString")).toBe(false);
    expect(isErrorKind("Wrong_Key")).toBe(false);
    expect(toAppError({ code: "made_up", message: "x" }).code).toBe("internal");
    expect(toAppError({ code: "not_found", message: "x" }).code).toBe("not_found");
  });

  it("reads statuses, roles, report targets and failure codes", () => {
    expect(statusOk("ok")).toBe(true);
    expect(statusOk("warning")).toBe(null);
    expect(statusOk("failed")).toBe(false);
    expect(roleWords("witness")).toBe("witness");
    expect(Object.keys(REPORT_TARGETS)).toEqual(["platform", "council", "police", "party", "other"]);
    expect(isReportTarget("police")).toBe(true);
    expect(isReportTarget("")).toBe(false);
    expect(FAILURE_WORDS.body_hash_mismatch).toMatch(/changed/);
  });
});
