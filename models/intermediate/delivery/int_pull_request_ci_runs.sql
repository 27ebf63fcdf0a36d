{#
    The workflow runs on each pull request's head commits, one row per (pull request, check suite): GitHub
    Actions runs (check suites with a workflow run; suites of other apps are not runs) on any commit the pull
    request has had as its head — its commits as the lake holds them, and its head at the latest extraction.
    A re-run is a suite of its own, so it counts again. A commit shared by two pull requests (a stacked
    branch) counts for both. Runs on the head at the latest extraction (for a merged pull request, the head it
    was merged with) are flagged, with when each completed, so that what its checks showed at the merge can
    be told.
#}
with pull_requests as (

    select pull_request_id, repository, head_commit_oid
    from {{ ref('stg_github__pull_requests') }}

),

pull_request_commits as (

    select pull_request_id, repository, commit_oid
    from {{ ref('stg_github__pull_request_commits') }}

),

suites as (

    select * from {{ ref('stg_github__check_suites') }}
    where is_workflow_run

),

-- Carrying the repository here lets the join to suites use (repository, commit) in one step; joining
-- pull requests to suites on the repository alone first would pair every pull request with every run.
head_commits as (

    select pull_request_id, repository, commit_oid from pull_request_commits
    union
    select pull_request_id, repository, head_commit_oid as commit_oid from pull_requests
    where head_commit_oid is not null

),

final as (

    select
        head_commits.pull_request_id,
        suites.check_suite_id,
        suites.commit_oid,
        coalesce(suites.commit_oid = pull_requests.head_commit_oid, false) as is_on_final_head,
        suites.workflow_database_id,
        suites.workflow_name,
        suites.status,
        suites.conclusion,
        suites.created_at,
        -- As fct_ci_runs times it: the last job's completion, else the suite's last update.
        case when suites.status = 'COMPLETED' then coalesce(suites.last_check_run_completed_at, suites.updated_at) end
            as completed_at,
        suites.status = 'COMPLETED' as is_completed,
        suites.status = 'COMPLETED'
            and suites.conclusion in ('FAILURE', 'TIMED_OUT', 'STARTUP_FAILURE') as is_failure,
        suites.status = 'COMPLETED' and suites.conclusion = 'CANCELLED' as is_cancelled
    from head_commits
    inner join suites
        on head_commits.repository = suites.repository
        and head_commits.commit_oid = suites.commit_oid
    left join pull_requests
        on head_commits.pull_request_id = pull_requests.pull_request_id

)

select * from final
