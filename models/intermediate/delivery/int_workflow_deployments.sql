{#
    Deployments made by GitHub Actions workflow runs, in the columns of int_deployments: a run of a workflow
    that metrics.yaml `definitions.deploy_workflows` names, on its repository's default branch (not started by
    a pull request event), deploys its commit. It is derived here from the check suites the lake already
    holds, so a changed pattern re-derives every run's deployments on the next build, with nothing extracted
    again.

    A run takes the first entry it matches. Its environment is the entry's fixed environment, the workflow's
    name ('{workflow}'), or, with '{job}', one deployment per job (check run; optionally only the jobs the
    entry's `jobs` glob matches) to the environment named like the job. SUCCESS deployed; FAILURE, TIMED_OUT
    and STARTUP_FAILURE failed (outcome 'failure'); a run that completed otherwise (cancelled, skipped,
    neutral, …) deployed nothing and failed nothing (outcome 'cancelled', no finish); a run still going is
    'in_progress'. A run read before it finished stays in progress until its commit's checks are read again
    (the extractor re-reads a pushed repository's recent default-branch CI: github.deploymentLookbackDays).
#}
with suites as (

    select * from {{ ref('stg_github__check_suites') }}
    where is_workflow_run
        and coalesce(workflow_run_event, '') not in ('pull_request', 'pull_request_target')

),

repositories as (

    select repository, default_branch from {{ ref('stg_github__repositories') }}

),

patterns as (

    select * from {{ ref('stg_yardstick__deploy_workflows') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

default_branch_runs as (

    select
        suites.*,
        regexp_extract(coalesce(suites.workflow_path, ''), '[^/]*$') as workflow_file_name
    from suites
    inner join repositories
        on suites.repository = repositories.repository
        and suites.branch_name = repositories.default_branch

),

matched as (

    select
        runs.*,
        patterns.environment as environment_rule,
        patterns.jobs_regex,
        row_number() over (partition by runs.check_suite_id order by patterns.position) as match_rank
    from default_branch_runs as runs
    inner join patterns
        on (
            patterns.match_on = 'path'
            and coalesce({{ regexp_matches_ignoring_case('runs.workflow_path', 'patterns.workflow_regex') }}, false)
        )
        or (
            patterns.match_on = 'name'
            and (
                coalesce({{ regexp_matches_ignoring_case('runs.workflow_name', 'patterns.workflow_regex') }}, false)
                or coalesce({{ regexp_matches_ignoring_case('runs.workflow_file_name', 'patterns.workflow_regex') }}, false)
            )
        )

),

runs as (

    select * from matched where match_rank = 1

),

-- One deployment per run: to the fixed environment, or to the workflow's name.
run_deployments as (

    select
        'workflow:' || check_suite_id as deployment_id,
        check_suite_id,
        repository,
        workflow_run_database_id,
        case when environment_rule = '{workflow}' then workflow_name else environment_rule end as environment,
        commit_oid,
        branch_name,
        workflow_name,
        created_at,
        status,
        conclusion,
        case when status = 'COMPLETED' then coalesce(last_check_run_completed_at, updated_at) end as completed_at,
        workflow_run_url,
        extracted_at
    from runs
    where environment_rule <> '{job}'

),

jobs as (

    select
        runs.*,
        unnest(cast(json_extract(runs.check_runs, '$[*]') as json[])) as job
    from runs
    where runs.environment_rule = '{job}'

),

-- One deployment per job, to the environment named like the job.
job_deployments as (

    select
        'workflow:' || check_suite_id || ':' || coalesce({{ json_text('job', 'databaseId') }}, {{ json_text('job', 'name') }}) as deployment_id,
        check_suite_id,
        repository,
        workflow_run_database_id,
        {{ json_text('job', 'name') }} as environment,
        commit_oid,
        branch_name,
        workflow_name,
        created_at,
        {{ json_text('job', 'status') }} as status,
        {{ json_text('job', 'conclusion') }} as conclusion,
        case
            when {{ json_text('job', 'status') }} = 'COMPLETED'
                then {{ utc_timestamp(json_text('job', 'completedAt')) }}
        end as completed_at,
        workflow_run_url,
        extracted_at
    from jobs
    where jobs_regex is null
        or coalesce({{ regexp_matches_ignoring_case(json_text('job', 'name'), 'jobs_regex') }}, false)

),

deployments as (

    select * from run_deployments
    union all
    select * from job_deployments

),

outcomes as (

    select
        *,
        case
            when status is distinct from 'COMPLETED' then 'in_progress'
            when conclusion = 'SUCCESS' then 'success'
            when conclusion in ('FAILURE', 'TIMED_OUT', 'STARTUP_FAILURE') then 'failure'
            else 'cancelled'
        end as outcome
    from deployments

),

final as (

    select
        outcomes.deployment_id,
        outcomes.repository,
        outcomes.workflow_run_database_id as database_id,
        outcomes.environment,
        coalesce(
            {{ regexp_matches_ignoring_case('outcomes.environment', 'definitions.production_environment_pattern') }},
            false
        ) as is_production,
        outcomes.commit_oid,
        outcomes.branch_name as ref_name,
        outcomes.workflow_name as task,
        cast(null as varchar) as creator_login,
        cast(null as varchar) as creator_type,
        outcomes.created_at,
        outcomes.outcome,
        outcomes.outcome = 'success' as is_success,
        outcomes.outcome = 'failure' as is_failed,
        case when outcomes.outcome in ('success', 'failure') then outcomes.completed_at end as finished_at,
        outcomes.conclusion as latest_status_state,
        outcomes.completed_at as last_status_at,
        outcomes.workflow_run_url as log_url,
        outcomes.extracted_at,
        'workflow' as source,
        cast(outcomes.workflow_run_database_id as varchar) as external_id
    from outcomes
    cross join definitions

)

select * from final
