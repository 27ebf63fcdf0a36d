import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { githubSchema } from "../simulator/github-schema.ts";

const QUERIES_DIR = join(import.meta.dirname, "..", "extractors", "github", "queries");

/** Every exported string constant of every `*.query.ts` module that holds a GraphQL query. */
async function extractorDocuments(): Promise<{ name: string; document: string }[]> {
  const documents: { name: string; document: string }[] = [];
  for (const file of readdirSync(QUERIES_DIR)
    .filter((f) => f.endsWith(".query.ts"))
    .sort()) {
    const module = (await import(pathToFileURL(join(QUERIES_DIR, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === "string" && value.includes("query "))
        documents.push({ name: `${file}:${name}`, document: value });
    }
  }
  return documents;
}

function schemaErrors(document: string): string[] {
  return validate(githubSchema(), parse(document)).map((e) => e.message);
}

describe("extractor GraphQL documents", () => {
  it("sends every GraphQL document the extractors use through schema validation", async () => {
    const documents = await extractorDocuments();
    expect(documents.length).toBeGreaterThan(0);
    for (const { name, document } of documents) {
      expect({ name, errors: schemaErrors(document) }).toEqual({ name, errors: [] });
    }
  });

  it("fails a document that selects a field GitHub's schema does not have", () => {
    // WorkflowRun has no conclusion in GitHub's GraphQL schema (its conclusion is on the CheckSuite).
    const errors = schemaErrors(`query { node(id: "x") { ... on WorkflowRun { conclusion } } }`);
    expect(errors).toEqual([
      expect.stringContaining('Cannot query field "conclusion" on type "WorkflowRun"'),
    ]);
  });
});
