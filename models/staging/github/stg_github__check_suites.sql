-- Suites with their jobs (check_suites) and, for commits pushed to a pull request other than its head,
-- without them (push_check_suites): one row per suite per extraction either way.
with source as (

    select * from {{ lake_source('github', 'check_suites') }}
    union all by name
    select * from {{ lake_source('github', 'push_check_suites') }}

),

-- The same suite lands again while it runs and when its commit is read in another context (a pull request's
-- head, then the default branch): the latest extraction wins.
latest as (

    {{ latest_extraction('source', ['check_suite_id'], ['_run_id desc', 'commit_context']) }}

),

-- A suite read on a pushed commit that is not a pull request's head lands without its jobs (check runs).
-- Their counts and times come from the newest extraction that had them and saw the suite in the same
-- status: a completed suite's jobs do not change, and a running suite's must not time a finished one.
with_jobs as (

    select
        check_suite_id,
        {{ json_text('payload', 'status') }} as jobs_status,
        cast({{ json_text('payload', 'checkRuns.totalCount') }} as integer) as check_run_count,
        {{ utc_timestamp(json_array_min_text('payload', 'checkRuns.nodes', 'startedAt')) }} as first_check_run_started_at,
        {{ utc_timestamp(json_array_max_text('payload', 'checkRuns.nodes', 'completedAt')) }} as last_check_run_completed_at,
        json_extract(payload, '$.checkRuns.nodes') as check_runs,
        row_number() over (partition by check_suite_id order by _extracted_at desc, _run_id desc) as jobs_rank
    from source
    where json_extract(payload, '$.checkRuns') is not null

),

renamed as (

    select
        cast(latest.check_suite_id as varchar) as check_suite_id,
        cast(repository as varchar) as repository,
        cast(commit_oid as varchar) as commit_oid,
        cast(commit_context as varchar) as commit_context,
        cast({{ json_text('payload', 'databaseId') }} as bigint) as database_id,
        {{ json_text('payload', 'app.slug') }} as app_slug,
        {{ json_text('payload', 'branch.name') }} as branch_name,
        {{ json_text('payload', 'status') }} as status,
        {{ json_text('payload', 'conclusion') }} as conclusion,
        {{ utc_timestamp(json_text('payload', 'createdAt')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'updatedAt')) }} as updated_at,
        -- GraphQL's Int is 32 bits and GitHub's run ids have outgrown it: a run is known by its URL too, and
        -- its id read from the URL when databaseId is null.
        coalesce({{ json_text('payload', 'workflowRun.databaseId') }}, {{ json_text('payload', 'workflowRun.url') }}) is not null
            as is_workflow_run,
        coalesce(
            cast({{ json_text('payload', 'workflowRun.databaseId') }} as bigint),
            try_cast(regexp_extract({{ json_text('payload', 'workflowRun.url') }}, '/actions/runs/([0-9]+)', 1) as bigint)
        ) as workflow_run_database_id,
        cast({{ json_text('payload', 'workflowRun.runNumber') }} as integer) as workflow_run_number,
        {{ json_text('payload', 'workflowRun.event') }} as workflow_run_event,
        {{ json_text('payload', 'workflowRun.url') }} as workflow_run_url,
        {{ json_text('payload', 'workflowRun.workflow.name') }} as workflow_name,
        cast({{ json_text('payload', 'workflowRun.workflow.databaseId') }} as bigint) as workflow_database_id,
        {{ json_text('payload', 'workflowRun.file.path') }} as workflow_path,
        with_jobs.check_run_count,
        with_jobs.first_check_run_started_at,
        with_jobs.last_check_run_completed_at,
        with_jobs.check_runs,
        cast(latest._extracted_at as timestamp) as extracted_at,
        cast(latest._run_id as varchar) as run_id
    from latest
    left join with_jobs
        on latest.check_suite_id = with_jobs.check_suite_id
        and with_jobs.jobs_rank = 1
        and with_jobs.jobs_status is not distinct from {{ json_text('latest.payload', 'status') }}

)

select * from renamed
