/**
 * Bad import files, through the real `yardstick import` as an operator runs it: each kind of mistake exits 2
 * with a message naming the file, the line and the field (or the flag), prints nothing on stdout, and leaves
 * the lake byte for byte as it was — the lake already holds an earlier import, so "nothing written" is checked
 * against real data, not an empty folder.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { yardstick } from "./helpers/cli.ts";

const SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const DEPLOY_HEADER = "id,repository,environment,commit_sha,status,created_at,finished_at";
const GOOD_DEPLOY = `d1,acme/api,production,${SHA},success,2026-03-01T10:00:00Z,2026-03-01T10:05:00Z`;
const INCIDENT_HEADER = "id,title,created_at,resolved_at,repository,team,reference";
const GOOD_INCIDENT = "i1,Checkout errors,2026-03-01T11:00:00Z,2026-03-01T12:00:00Z,acme/api,,";

interface BadFile {
  name: string;
  kind: "deployments" | "incidents";
  file: string;
  content: string | Buffer;
  /** What the message must name: the line (null for a whole-file problem) and the field. */
  line: number | null;
  field: string;
  says: string;
}

const deploys = (...rows: string[]) => `${DEPLOY_HEADER}\n${rows.join("\n")}\n`;
const incidents = (...rows: string[]) => `${INCIDENT_HEADER}\n${rows.join("\n")}\n`;
const deployRow = (changes: Partial<Record<string, string>>) => {
  const row: Record<string, string> = {
    id: "d9",
    repository: "acme/api",
    environment: "production",
    commit_sha: SHA,
    status: "success",
    created_at: "2026-03-01T10:00:00Z",
    finished_at: "2026-03-01T10:05:00Z",
    ...changes,
  };
  return DEPLOY_HEADER.split(",")
    .map((c) => row[c] ?? "")
    .join(",");
};

const CASES: BadFile[] = [
  {
    name: "a spreadsheet file instead of CSV",
    kind: "deployments",
    file: "deploys.xlsx",
    content: deploys(GOOD_DEPLOY),
    line: null,
    field: "<file>",
    says: "must end in .csv",
  },
  {
    name: "an empty file",
    kind: "deployments",
    file: "empty.csv",
    content: "",
    line: 1,
    field: "",
    says: "the file is empty",
  },
  {
    name: "a header with a misspelt column",
    kind: "deployments",
    file: "header.csv",
    content: deploys(GOOD_DEPLOY).replace("repository", "repo"),
    line: 1,
    field: "repo",
    says: "did you mean repository?",
  },
  {
    name: "a header without a required column",
    kind: "deployments",
    file: "missing.csv",
    content:
      "id,repository,environment,status,created_at,finished_at\nd1,acme/api,production,success,2026-03-01T10:00:00Z,2026-03-01T10:05:00Z\n",
    line: 1,
    field: "commit_sha",
    says: "is a required column",
  },
  {
    name: "a date that is not ISO 8601",
    kind: "deployments",
    file: "date.csv",
    content: deploys(GOOD_DEPLOY, deployRow({ created_at: "01/03/2026 10:00" })),
    line: 3,
    field: "created_at",
    says: "must be an ISO 8601 time",
  },
  {
    name: "a day that does not exist",
    kind: "deployments",
    file: "feb30.csv",
    content: deploys(deployRow({ created_at: "2026-02-30T10:00:00Z" })),
    line: 2,
    field: "created_at",
    says: "2026-02 has 28 days",
  },
  {
    name: "a time in the future",
    kind: "incidents",
    file: "future.csv",
    content: incidents("i2,Later,2099-01-01T00:00:00Z,,acme/api,,"),
    line: 2,
    field: "created_at",
    says: "is in the future",
  },
  {
    name: "a time without a time zone",
    kind: "deployments",
    file: "zone.csv",
    content: deploys(deployRow({ finished_at: "2026-03-01T10:05:00" })),
    line: 2,
    field: "finished_at",
    says: "has no time zone",
  },
  {
    name: "a repository that is not owner/name",
    kind: "deployments",
    file: "repo.csv",
    content: deploys(deployRow({ repository: "https://github.com/acme/api" })),
    line: 2,
    field: "repository",
    says: "not as a web address",
  },
  {
    name: "an id twice in the file",
    kind: "deployments",
    file: "dupe.csv",
    content: deploys(deployRow({ id: "d7" }), deployRow({ id: "d8" }), deployRow({ id: "d7" })),
    line: 4,
    field: "id",
    says: "already the id of the row on line 2",
  },
  {
    name: "an unknown status",
    kind: "deployments",
    file: "status.csv",
    content: deploys(deployRow({ status: "deployed" })),
    line: 2,
    field: "status",
    says: "must be one of success, failure, error, in_progress, inactive",
  },
  {
    name: "bytes that are not UTF-8 (a Latin-1 export)",
    kind: "deployments",
    file: "latin1.csv",
    content: Buffer.concat([
      Buffer.from(`${DEPLOY_HEADER}\n${GOOD_DEPLOY}\nd2,acme/api,prod-`),
      Buffer.from([0xe9]),
      Buffer.from(`u,${SHA},success,2026-03-01T10:00:00Z,2026-03-01T10:05:00Z\n`),
    ]),
    line: 3,
    field: "environment",
    says: "byte 0xE9 is not UTF-8",
  },
  {
    name: "a formula where a time belongs",
    kind: "deployments",
    file: "formula.csv",
    content: deploys(deployRow({ created_at: "=NOW()" })),
    line: 2,
    field: "created_at",
    says: 'got "=NOW()"',
  },
  {
    name: "a huge line",
    kind: "incidents",
    file: "huge.csv",
    content: incidents(`i3,${"x".repeat(70_000)},2026-03-01T11:00:00Z,,acme/api,,`),
    line: 2,
    field: "title",
    says: "longer than 65536 characters",
  },
  {
    name: "an NDJSON line that is not an object",
    kind: "incidents",
    file: "array.ndjson",
    content: `{"id": "i4", "title": "ok", "created_at": "2026-03-01T11:00:00Z", "repository": "acme/api"}\n["i5", "not", "an", "object"]\n`,
    line: 2,
    field: "",
    says: "must be one JSON object",
  },
  {
    name: "an NDJSON line that is not JSON",
    kind: "incidents",
    file: "broken.jsonl",
    content: `{"id": "i6", "title": "ok", "created_at": "2026-03-01T11:00:00Z", "repository": "acme/api",}\n`,
    line: 1,
    field: "",
    says: "not valid JSON",
  },
  {
    name: "an NDJSON value that is not text",
    kind: "incidents",
    file: "nested.ndjson",
    content: `{"id": "i7", "title": {"text": "nested"}, "created_at": "2026-03-01T11:00:00Z", "repository": "acme/api"}\n`,
    line: 1,
    field: "title",
    says: "must be a JSON string",
  },
  {
    name: "an NDJSON key that is no field",
    kind: "incidents",
    file: "key.ndjson",
    content: `{"id": "i8", "title": "x", "created": "2026-03-01T11:00:00Z", "repository": "acme/api"}\n`,
    line: 1,
    field: "created",
    says: "did you mean created_at?",
  },
  {
    name: "a row with more fields than the header",
    kind: "deployments",
    file: "fields.csv",
    content: deploys(`${deployRow({})},extra`),
    line: 2,
    field: "",
    says: "this row has 8 fields and the header 7",
  },
  {
    name: "a quote that is never closed",
    kind: "incidents",
    file: "quote.csv",
    content: incidents(GOOD_INCIDENT, 'i9,"Unclosed title,2026-03-01T11:00:00Z,,acme/api,,'),
    line: 3,
    field: "title",
    says: "never closed",
  },
  {
    name: "semicolons instead of commas",
    kind: "deployments",
    file: "semicolon.csv",
    content: deploys(GOOD_DEPLOY).replace(/,/g, ";"),
    line: 1,
    field: "",
    says: "separated by commas",
  },
  {
    name: "an abbreviated SHA",
    kind: "deployments",
    file: "short.csv",
    content: deploys(deployRow({ commit_sha: SHA.slice(0, 7) })),
    line: 2,
    field: "commit_sha",
    says: "abbreviated SHA",
  },
  {
    name: "a finish before the start",
    kind: "deployments",
    file: "backwards.csv",
    content: deploys(deployRow({ finished_at: "2026-03-01T09:00:00Z" })),
    line: 2,
    field: "finished_at",
    says: "cannot finish before it starts",
  },
  {
    name: "a successful deployment without a finish",
    kind: "deployments",
    file: "unfinished.csv",
    content: deploys(deployRow({ finished_at: "" })),
    line: 2,
    field: "finished_at",
    says: "is required for a deployment whose status is success",
  },
  {
    name: "an incident naming neither repository nor team",
    kind: "incidents",
    file: "orphan.csv",
    content: incidents("i10,Nobody's,2026-03-01T11:00:00Z,,,,"),
    line: 2,
    field: "repository",
    says: "repository and team are both empty",
  },
  {
    name: "an incident naming a team yardstick.yaml does not have",
    kind: "incidents",
    file: "team.csv",
    content: incidents("i11,Which team,2026-03-01T11:00:00Z,,,checkout,"),
    line: 2,
    field: "team",
    says: "its teams: platform, payments",
  },
  {
    name: "a #N reference without a repository",
    kind: "incidents",
    file: "ref.csv",
    content: incidents("i12,Ref,2026-03-01T11:00:00Z,,,payments,#12"),
    line: 2,
    field: "reference",
    says: "needs the repository column",
  },
  {
    name: "a terminal escape in a title",
    kind: "incidents",
    file: "escape.csv",
    content: incidents("i13,Red \u001b[31malert,2026-03-01T11:00:00Z,,acme/api,,"),
    line: 2,
    field: "title",
    says: "control character U+001B",
  },
  {
    name: "a file that does not exist",
    kind: "deployments",
    file: "nowhere.csv",
    content: "",
    line: null,
    field: "<file>",
    says: "does not exist",
  },
];

describe("yardstick import refuses a bad file whole", () => {
  let work: string;
  let config: string;
  let lake: string;
  let before: Record<string, string>;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "ys-import-bad-"));
    config = join(work, "yardstick.yaml");
    writeFileSync(
      config,
      "dataDir: ./data\ngithub:\n  orgs: [acme]\nteams:\n  - name: platform\n    members: [alice]\n    repos: [acme/api]\n  - name: payments\n    members: [bob]\n    repos: [acme/pay]\n",
    );
    writeFileSync(join(work, "good-deploys.csv"), deploys(GOOD_DEPLOY));
    writeFileSync(join(work, "good-incidents.csv"), incidents(GOOD_INCIDENT));
    for (const [kind, file] of [
      ["deployments", "good-deploys.csv"],
      ["incidents", "good-incidents.csv"],
    ] as const) {
      const result = yardstick(["import", kind, join(work, file), "--config", config]);
      if (result.code !== 0) throw new Error(`the good import failed: ${result.stderr}`);
    }
    lake = join(work, "data", "lake");
    before = snapshot(lake);
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("has at least 15 kinds of bad file", () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES)("$name: exit 2 naming the file, line and field; nothing written", (bad) => {
    const path = join(work, bad.file);
    if (bad.file !== "nowhere.csv") writeFileSync(path, bad.content);
    const result = yardstick(["import", bad.kind, path, "--config", config]);
    expect(result.stdout).toBe("");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`error: ${path} cannot be imported as ${bad.kind}`);
    expect(result.stderr).toContain("nothing was imported");
    // The problem line: "field (file:line:column): message", or "file:line:column: message" for a whole row.
    const problem = result.stderr.split("\n").find((l) => l.startsWith("  - ") && l.includes(bad.says));
    expect(problem, result.stderr).toBeDefined();
    if (bad.line !== null) {
      const where = new RegExp(`${regexText(path)}:${bad.line}:\\d+`);
      expect(problem).toMatch(where);
      if (bad.field)
        expect(problem).toMatch(
          new RegExp(`^  - ${regexText(bad.field)} \\(${regexText(path)}:${bad.line}:\\d+\\): `),
        );
    } else {
      expect(problem).toMatch(new RegExp(`^  - ${regexText(bad.field)}: `));
    }
    expect(result.stderr.includes("\u001b")).toBe(false);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(snapshot(lake)).toEqual(before);
  });

  it("refuses a --system that could pass for another source, before reading the file", () => {
    const result = yardstick([
      "import",
      "deployments",
      join(work, "good-deploys.csv"),
      "--config",
      config,
      "--system",
      "github",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--system: "github" names a source Yardstick reads itself');
    expect(snapshot(lake)).toEqual(before);
  });

  it("checks a good file on a dry run and writes nothing", () => {
    const path = join(work, "dry.csv");
    writeFileSync(path, deploys(GOOD_DEPLOY, deployRow({ id: "d2" })));
    const result = yardstick(["import", "deployments", path, "--config", config, "--dry-run"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${path} (deployments, system file): 2 rows: 1 new, 0 changed, 1 already imported; dry run, nothing written\n`,
    );
    expect(snapshot(lake)).toEqual(before);
  });

  it("names the column of a problem in the first data row exactly", () => {
    const path = join(work, "column.csv");
    writeFileSync(path, deploys(deployRow({ status: "shipped" })));
    const result = yardstick(["import", "deployments", path, "--config", config]);
    // id,repository,environment,commit_sha → status starts after "d9,acme/api,production,<40 hex>,".
    expect(result.stderr).toContain(
      `status (${path}:2:${"d9,acme/api,production,".length + SHA.length + 2}): `,
    );
  });
});

function regexText(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Every file under a folder with its bytes, by relative path. */
function snapshot(dir: string, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, snapshot(path, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(path).toString("base64");
  }
  return out;
}
