import { describe, expect, it } from "vitest";
import { priceProblems } from "./llm-prices";

describe("the model prices form's checks", () => {
  it("names the problem of each row before anything is sent", () => {
    expect(
      priceProblems([
        { model: "llama3.1", inputPerMillion: "0", outputPerMillion: "0" },
        { model: " ", inputPerMillion: "1", outputPerMillion: "1" },
        { model: "llama3.1", inputPerMillion: "1", outputPerMillion: "1" },
        { model: "qwen", inputPerMillion: "-1", outputPerMillion: "1" },
        { model: "phi", inputPerMillion: "1", outputPerMillion: "" },
        { model: "mistral", inputPerMillion: "0.15", outputPerMillion: "abc" },
      ]),
    ).toEqual([
      null,
      "Name the model",
      "llama3.1 is priced twice",
      "The input price must be a number, 0 or more",
      "The output price must be a number, 0 or more",
      "The output price must be a number, 0 or more",
    ]);
  });
});
