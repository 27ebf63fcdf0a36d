with suites as (

    select * from {{ ref('stg_github__check_suites') }}
    where is_workflow_run

),

pull_request_runs as (

    select
        check_suite_id,
        min(pull_request_id) as pull_request_id,
        count(*) as pull_request_count
    from {{ ref('int_pull_request_ci_runs') }}
    group by check_suite_id

),

-- A re-run is a new suite with its run's number: attempts are numbered in the order they were created.
attempts as (

    select
        *,
        row_number() over (
            partition by repository, coalesce(workflow_database_id, -1), workflow_name, workflow_run_number
            order by created_at, check_suite_id
        ) as run_attempt
    from suites

),

timed as (

    select
        *,
        case when status = 'COMPLETED' then coalesce(last_check_run_completed_at, updated_at) end as completed_at
    from attempts

),

-- The repository's team, by dim_repos's rule (yardstick.yaml teams[].repos).
repos as (

    select repository, team from {{ ref('dim_repos') }}

),

final as (

    select
        timed.check_suite_id,
        timed.repository,
        coalesce(repos.team, 'unassigned') as team,
        timed.workflow_name,
        timed.workflow_run_number,
        cast(timed.run_attempt as integer) as run_attempt,
        timed.run_attempt > 1 as is_rerun,
        timed.workflow_run_event as event,
        timed.branch_name,
        timed.commit_oid,
        timed.commit_context,
        pull_request_runs.pull_request_id,
        cast(coalesce(pull_request_runs.pull_request_count, 0) as integer) as pull_request_count,
        timed.status,
        timed.conclusion,
        case
            when timed.status <> 'COMPLETED' then 'in_progress'
            when timed.conclusion in ('FAILURE', 'TIMED_OUT', 'STARTUP_FAILURE') then 'failure'
            when timed.conclusion is null then 'unknown'
            else lower(timed.conclusion)
        end as outcome,
        timed.status = 'COMPLETED' as is_completed,
        timed.status = 'COMPLETED' and timed.conclusion in ('FAILURE', 'TIMED_OUT', 'STARTUP_FAILURE') as is_failure,
        timed.status = 'COMPLETED' and timed.conclusion = 'CANCELLED' as is_cancelled,
        timed.created_at,
        timed.first_check_run_started_at as started_at,
        timed.completed_at,
        -- Spans that run backwards (clock skew between GitHub's services) are data errors: null, not negative.
        case
            when timed.first_check_run_started_at >= timed.created_at
                then cast({{ dbt.datediff('timed.created_at', 'timed.first_check_run_started_at', 'second') }} as double)
        end as queue_seconds,
        case
            when timed.completed_at >= timed.first_check_run_started_at
                then cast({{ dbt.datediff('timed.first_check_run_started_at', 'timed.completed_at', 'second') }} as double)
        end as duration_seconds,
        timed.check_run_count,
        timed.workflow_run_url,
        timed.extracted_at
    from timed
    left join pull_request_runs
        on timed.check_suite_id = pull_request_runs.check_suite_id
    left join repos
        on timed.repository = repos.repository

)

select * from final
