/**
 * The shape of metrics.yaml, close to dbt MetricFlow's latest spec (simple metrics with `agg`, `agg_params`,
 * `expr`, `filter`) so the file could move to the dbt Semantic Layer almost unchanged. Everything an analyst
 * can get wrong about one metric is checked here; rules across metrics (unique names) live in metrics-file.ts.
 */
import { z } from "zod";
import {
  DEFAULT_AI_SIGNALS,
  DEFAULT_AUTOMATION_ACCOUNTS,
  DEFAULT_PRODUCTION_ENVIRONMENT_PATTERN,
  DEFAULT_SIZE_BUCKETS,
  LITERAL_SIGNAL_KINDS,
  SIGNAL_AUTHORSHIPS,
  SIGNAL_KINDS,
  SIGNAL_STRENGTHS,
  type SignalKind,
} from "./default-definitions.ts";
import { re2PatternProblem } from "./re2-pattern.ts";
import { findModel, isCategorical, isTemporal } from "./warehouse-contract.ts";
import { workflowGlobProblem } from "./workflow-glob.ts";

export const AGGREGATIONS = [
  "count",
  "count_distinct",
  "sum",
  "sum_boolean",
  "average",
  "min",
  "max",
  "median",
  "percentile",
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const METRIC_TYPES = ["simple", "ratio", "derived"] as const;

export const GRAINS = ["day", "week", "month", "quarter"] as const;
export type Grain = (typeof GRAINS)[number];

export const UNITS = ["count", "hours", "days", "ratio", "percent", "per_week", "lines"] as const;

export const BAND_LEVELS = ["elite", "high", "medium"] as const;

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "must be lower_snake_case (a-z, 0-9, _), starting with a letter")
  .max(63, "must be at most 63 characters");

// expr and filter are SQL written by analysts and reviewed like code; the compiler pastes them into the
// query, so they must stay one expression and never smuggle in a second statement or a comment.
const sqlExpression = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .refine((s) => !s.includes(";"), "must be one SQL expression (no ';')")
  .refine((s) => !s.includes("--") && !s.includes("/*"), "must not contain SQL comments (-- or /*)");

const aggParamsSchema = z
  .object({
    percentile: z
      .number()
      .gt(0, "must be between 0 and 1 (exclusive), e.g. 0.9")
      .lt(1, "must be between 0 and 1 (exclusive), e.g. 0.9")
      .optional()
      .describe("The percentile for agg: percentile, as a fraction: 0.9 is p90"),
    use_discrete_percentile: z
      .boolean()
      .default(false)
      .describe("true: an actual value of the data (quantile_disc); false: interpolated (quantile_cont)"),
  })
  .strict();

const bandsSchema = z
  .object({
    elite: z.number().describe("Elite at this value or better"),
    high: z.number().describe("High at this value or better"),
    medium: z.number().describe("Medium at this value or better; anything worse is low"),
  })
  .strict()
  .describe("DORA-style performance bands: thresholds in the metric's unit, best first");

// The fields every metric type has: what it is called, who owns it, how it reads and how it may be sliced.
const commonFields = {
  name: identifier.describe("Stable id used by the CLI, dashboards and hashes: lower_snake_case"),
  label: z.string().trim().min(1).describe("Human name shown on dashboards"),
  description: z.string().trim().min(1).describe("What is counted and what is left out, for the reader"),
  owner: z.string().trim().min(1).describe("Who answers questions about this definition (team or person)"),
  unit: z.enum(UNITS).describe("Unit of the value"),
  direction: z
    .enum(["higher_is_better", "lower_is_better", "neutral"])
    .describe("Which way is an improvement, for arrows, colours and bands"),
  min_sample: z
    .number()
    .int("must be a whole number")
    .min(1)
    .optional()
    .describe("Below this many rows the value is reported as insufficient data (null)"),
  dimensions: z
    .array(z.string().min(1))
    .default([])
    .describe("Columns the metric may be sliced by (--by), e.g. team, repository, authorship_class"),
  bands: bandsSchema.optional(),
};

const simpleMetricSchema = z
  .object({
    ...commonFields,
    type: z.literal("simple").describe("One aggregation over one model"),
    model: z.string().min(1).describe("The warehouse model aggregated, e.g. fct_pull_requests"),
    agg: z.enum(AGGREGATIONS).describe("How rows are aggregated"),
    agg_params: aggParamsSchema.optional().describe("Parameters of the aggregation (percentile)"),
    expr: sqlExpression.describe("SQL over the model's columns that is aggregated, e.g. time_to_merge_hours"),
    filter: sqlExpression.optional().describe("SQL boolean over the model's columns: rows that count"),
    time_dimension: z.string().min(1).describe("Timestamp column that places a row in a period"),
  })
  .strict()
  .superRefine((metric, ctx) => {
    checkAggregation(metric, ctx);
    checkColumns(metric, ctx);
    checkBands(metric, ctx);
  });

const metricInput = z.union([
  identifier,
  z
    .object({
      metric: identifier.describe("Name of a metric defined in this file"),
      filter: sqlExpression.optional().describe("An extra SQL condition for this side only"),
    })
    .strict(),
]);

const ratioMetricSchema = z
  .object({
    ...commonFields,
    type: z.literal("ratio").describe("Numerator and denominator aggregated separately, then divided"),
    numerator: metricInput.describe("A simple metric (name, or { metric, filter })"),
    denominator: metricInput.describe("A simple metric over the same model and time dimension"),
  })
  .strict()
  .superRefine((metric, ctx) => checkBands(metric, ctx));

const derivedInput = z.union([
  identifier,
  z
    .object({
      metric: identifier.describe("Name of a metric defined in this file"),
      alias: identifier.optional().describe("The name expr uses for it (default: the metric's name)"),
    })
    .strict(),
]);

const derivedMetricSchema = z
  .object({
    ...commonFields,
    type: z.literal("derived").describe("Arithmetic over other metrics' values, period by period"),
    expr: sqlExpression.describe("Arithmetic over the inputs' names (or aliases) and period_days"),
    metrics: z.array(derivedInput).min(1, "must name at least one metric").describe("The inputs"),
  })
  .strict()
  .superRefine((metric, ctx) => checkBands(metric, ctx));

export const metricSchema = z.discriminatedUnion(
  "type",
  [simpleMetricSchema, ratioMetricSchema, derivedMetricSchema],
  { error: () => `must be one of ${METRIC_TYPES.join(", ")}` },
);

const loginPattern = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*(\[bot\])?$/,
    'must be a GitHub login, with "[bot]" at the end for an App\'s bot account (e.g. "dependabot[bot]")',
  );

const re2Pattern = z
  .string()
  .min(1, "must not be empty")
  .superRefine((pattern, ctx) => {
    const problem = re2PatternProblem(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const aiSignalSchema = z
  .object({
    signal: identifier.describe("Unique id of the signal, recorded as evidence (e.g. claude_code_coauthor)"),
    tool: identifier.describe("The tool it reveals (claude_code, cursor, copilot_agent, …)"),
    kind: z.enum(SIGNAL_KINDS).describe("Where the signal is looked for, and how its pattern is read"),
    pattern: z.string().min(1, "must not be empty").describe("Exact value or regular expression, per kind"),
    strength: z.enum(SIGNAL_STRENGTHS).describe("certain (unique to the tool), likely (spoofable), weak"),
    authorship: z.enum(SIGNAL_AUTHORSHIPS).describe("What the signal implies about the pull request"),
  })
  .strict()
  .superRefine((signal, ctx) => {
    const problem = LITERAL_SIGNAL_KINDS.includes(signal.kind)
      ? literalPatternProblem(signal.kind, signal.pattern)
      : re2PatternProblem(signal.pattern);
    if (problem) ctx.addIssue({ code: "custom", path: ["pattern"], message: problem });
  });

const workflowGlob = z
  .string()
  .min(1, "must not be empty")
  .superRefine((pattern, ctx) => {
    const problem = workflowGlobProblem(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** The environment placeholders of a deploy workflow: the workflow's name, or each job's name. */
export const DEPLOY_ENVIRONMENT_PLACEHOLDERS = ["{workflow}", "{job}"] as const;

const deployWorkflowSchema = z
  .object({
    workflow: workflowGlob.describe(
      "The workflows that deploy: a name or file name glob (Deploy*, deploy*.yml), or a path glob (.github/workflows/release-*.yml)",
    ),
    environment: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .refine((e) => !/[{}]/.test(e) || (DEPLOY_ENVIRONMENT_PLACEHOLDERS as readonly string[]).includes(e), {
        message: `must be an environment name, or exactly one of ${DEPLOY_ENVIRONMENT_PLACEHOLDERS.join(", ")}`,
      })
      .refine((e) => !e.includes(","), { message: "must not contain a comma" })
      .default("production")
      .describe(
        "The environment deployed to: a fixed name (production), {workflow} (the workflow's name) or {job} (one deployment per job, to the environment named like the job)",
      ),
    jobs: workflowGlob
      .optional()
      .describe("With environment {job}: only jobs whose name matches this glob deploy (default: every job)"),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if (entry.jobs !== undefined && entry.environment !== "{job}") {
      ctx.addIssue({
        code: "custom",
        path: ["jobs"],
        message: 'is only read with environment "{job}" (one deployment per job)',
      });
    }
  });

function checkUniqueWorkflows(entries: z.output<typeof deployWorkflowSchema>[], ctx: Ctx): void {
  const first = new Map<string, number>();
  entries.forEach((entry, i) => {
    const key = entry.workflow.toLowerCase();
    const at = first.get(key);
    if (at === undefined) first.set(key, i);
    else {
      ctx.addIssue({
        code: "custom",
        path: [i, "workflow"],
        message: `"${entry.workflow}" is already deploy_workflows[${at}]: the first matching entry wins, so this one would never apply`,
      });
    }
  });
}

const sizeBucketSchema = z
  .object({
    bucket: z.string().trim().min(1).describe("Name of the bucket as pages show it, e.g. 11-100"),
    max_lines: z
      .number()
      .int("must be a whole number")
      .min(0)
      .optional()
      .describe("Largest changed-line count (additions + deletions) in the bucket; absent for the last"),
  })
  .strict();

/**
 * Definitions the pipeline itself needs (incidents, production, reverts, AI signals, sizes, privacy), kept
 * here so that every team reads the same meaning. They reach dbt as build inputs before every build, so a
 * change reclassifies all history without re-extraction. Each field defaults to Yardstick's default.
 */
export const definitionsSchema = z
  .object({
    incident_labels: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^,]+$/, "must not contain a comma"),
      )
      .min(1, "must name at least one label")
      .default(["incident"])
      .describe("Issues carrying any of these labels are incidents (extracted, linked to deployments)"),
    production_environment_pattern: re2Pattern
      .default(DEFAULT_PRODUCTION_ENVIRONMENT_PATTERN)
      .describe(
        "Deployment environments whose name matches this regular expression (any case) are production",
      ),
    revert_window_days: z
      .number()
      .int("must be a whole number of days")
      .min(1)
      .max(3650)
      .default(30)
      .describe("A pull request reverted within this many days of its merge counts as reverted"),
    incident_lookahead_days: z
      .number()
      .int("must be a whole number of days")
      .min(1)
      .max(365)
      .default(14)
      .describe(
        "Days after a month ends during which its deployments' incidents are still awaited; with revert_window_days it decides when a monthly review is final",
      ),
    privacy_floor: z
      .number()
      .int("must be a whole number")
      .min(1)
      .default(5)
      .describe("Groups with fewer distinct people than this are never shown"),
    size_buckets: z
      .array(sizeBucketSchema)
      .min(1, "must have at least one bucket")
      .default(() => DEFAULT_SIZE_BUCKETS.map((b) => ({ ...b })))
      .superRefine(checkSizeBuckets)
      .describe("Changed-line buckets, smallest first, for comparisons within sizes"),
    automation_accounts: z
      .array(loginPattern)
      .default(() => [...DEFAULT_AUTOMATION_ACCOUNTS])
      .describe("Accounts whose pull requests and commits are automation (dependency bumps, releases)"),
    other_bots_are_automation: z
      .boolean()
      .default(true)
      .describe("A bot account that is in no list of AI accounts counts as automation too"),
    ai_authored_commit_share: z
      .number()
      .gt(0, "must be more than 0 (a share: 1 means every commit)")
      .max(1, "must be at most 1 (a share: 1 means every commit)")
      .default(1)
      .describe(
        "A pull request whose non-merge commits are at least this share agent-authored is ai_authored",
      ),
    team_attribution: z
      .enum(["person_first", "repository_first"])
      .default("person_first")
      .describe(
        "The team a pull request counts for: person_first = the author's team (agent work: the team of the person who asked the agent), else the repository's; repository_first = the repository's team, else the person's",
      ),
    deploy_workflows: z
      .array(deployWorkflowSchema)
      .default(() => [])
      .superRefine(checkUniqueWorkflows)
      .describe(
        "GitHub Actions workflows whose runs on the default branch are deployments: SUCCESS deployed, FAILURE failed; the first matching entry wins",
      ),
    ai_signals: z
      .array(aiSignalSchema)
      .default(() => DEFAULT_AI_SIGNALS.map((s) => ({ ...s })))
      .superRefine(checkUniqueSignals)
      .describe("The AI signal catalogue: what marks a pull request as AI-authored, assisted or reviewed"),
  })
  .strict();

/** The definitions metrics.yaml gets when it leaves every one out. */
export const DEFAULT_DEFINITIONS: Definitions = Object.freeze(definitionsSchema.parse({}));

function literalPatternProblem(kind: SignalKind, pattern: string): string | undefined {
  if (kind.endsWith("_login")) return loginPattern.safeParse(pattern).error?.issues[0]?.message;
  if (pattern.trim() === "") return "must not be only spaces";
  return undefined;
}

function checkSizeBuckets(buckets: z.output<typeof sizeBucketSchema>[], ctx: Ctx): void {
  const seen = new Set<string>();
  buckets.forEach((bucket, i) => {
    if (seen.has(bucket.bucket)) {
      ctx.addIssue({ code: "custom", path: [i, "bucket"], message: `names "${bucket.bucket}" twice` });
    }
    seen.add(bucket.bucket);
    const last = i === buckets.length - 1;
    if (last && bucket.max_lines !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [i, "max_lines"],
        message: "must be absent on the last bucket, which holds every larger pull request",
      });
    }
    if (!last && bucket.max_lines === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [i, "max_lines"],
        message: "is required on every bucket but the last",
      });
    }
    const previous = buckets[i - 1]?.max_lines;
    if (bucket.max_lines !== undefined && previous !== undefined && bucket.max_lines <= previous) {
      ctx.addIssue({
        code: "custom",
        path: [i, "max_lines"],
        message: `must be larger than the previous bucket's (${previous}): buckets go smallest first`,
      });
    }
  });
}

function checkUniqueSignals(signals: z.output<typeof aiSignalSchema>[], ctx: Ctx): void {
  const first = new Map<string, number>();
  signals.forEach((s, i) => {
    const at = first.get(s.signal);
    if (at === undefined) first.set(s.signal, i);
    else {
      ctx.addIssue({
        code: "custom",
        path: [i, "signal"],
        message: `"${s.signal}" is already the id of ai_signals[${at}]`,
      });
    }
  });
}

export const metricsFileSchema = z
  .object({
    version: z.literal(1, { error: "must be 1 (the only metrics.yaml version)" }),
    definitions: definitionsSchema.prefault({}),
    metrics: z.array(metricSchema).min(1, "must define at least one metric"),
  })
  .strict();

export type Definitions = z.output<typeof definitionsSchema>;

export type MetricDefinition = z.output<typeof metricSchema>;
export type SimpleMetricDefinition = z.output<typeof simpleMetricSchema>;
export type RatioMetricDefinition = z.output<typeof ratioMetricSchema>;
export type DerivedMetricDefinition = z.output<typeof derivedMetricSchema>;
export type MetricInput = z.output<typeof metricInput>;
export type Bands = z.output<typeof bandsSchema>;

type Metric = SimpleMetricDefinition;
type Ctx = z.RefinementCtx;

function checkBands(metric: { bands?: Bands | undefined; direction: string }, ctx: Ctx): void {
  const bands = metric.bands;
  if (!bands) return;
  if (metric.direction === "neutral") {
    ctx.addIssue({
      code: "custom",
      path: ["bands"],
      message: "need a direction: a neutral metric has no better or worse band",
    });
    return;
  }
  const lower = metric.direction === "lower_is_better";
  const [elite, high, medium] = [bands.elite, bands.high, bands.medium];
  const ordered = lower ? elite <= high && high <= medium : elite >= high && high >= medium;
  if (!ordered) {
    ctx.addIssue({
      code: "custom",
      path: ["bands"],
      message: lower
        ? `must go best first for lower_is_better: elite <= high <= medium (got ${elite}, ${high}, ${medium})`
        : `must go best first for higher_is_better: elite >= high >= medium (got ${elite}, ${high}, ${medium})`,
    });
  }
}

function checkAggregation(metric: Metric, ctx: Ctx): void {
  const percentile = metric.agg_params?.percentile;
  if (metric.agg === "percentile" && percentile === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["agg_params", "percentile"],
      message: "is required when agg is percentile (a fraction between 0 and 1, e.g. 0.9)",
    });
  }
  // MetricFlow's rule: a median is the 0.5 percentile and nothing else.
  if (metric.agg === "median" && percentile !== undefined && percentile !== 0.5) {
    ctx.addIssue({
      code: "custom",
      path: ["agg_params", "percentile"],
      message: `must be 0.5 or absent when agg is median: got ${percentile}`,
    });
  }
  if (metric.agg_params !== undefined && metric.agg !== "percentile" && metric.agg !== "median") {
    ctx.addIssue({
      code: "custom",
      path: ["agg_params"],
      message: `applies only to agg median or percentile, not ${metric.agg}`,
    });
  }
}

function checkColumns(metric: Metric, ctx: Ctx): void {
  const model = findModel(metric.model);
  if (!model) {
    ctx.addIssue({
      code: "custom",
      path: ["model"],
      message: `is not a known warehouse model: got "${metric.model}"`,
    });
    return;
  }
  const columns = model.columns;
  const timeType = Object.hasOwn(columns, metric.time_dimension) ? columns[metric.time_dimension] : undefined;
  if (!timeType) {
    ctx.addIssue({
      code: "custom",
      path: ["time_dimension"],
      message: `is not a column of ${model.name}: got "${metric.time_dimension}"`,
    });
  } else if (!isTemporal(timeType)) {
    ctx.addIssue({
      code: "custom",
      path: ["time_dimension"],
      message: `must be a timestamp column; ${metric.time_dimension} is ${timeType}`,
    });
  }
  const seen = new Set<string>();
  metric.dimensions.forEach((dimension, i) => {
    const type = Object.hasOwn(columns, dimension) ? columns[dimension] : undefined;
    if (!type) {
      ctx.addIssue({
        code: "custom",
        path: ["dimensions", i],
        message: `is not a column of ${model.name}: got "${dimension}"`,
      });
    } else if (!isCategorical(type)) {
      ctx.addIssue({
        code: "custom",
        path: ["dimensions", i],
        message: `must be a category (varchar or boolean column); ${dimension} is ${type}`,
      });
    }
    if (seen.has(dimension)) {
      ctx.addIssue({ code: "custom", path: ["dimensions", i], message: `lists "${dimension}" twice` });
    }
    seen.add(dimension);
  });
}
