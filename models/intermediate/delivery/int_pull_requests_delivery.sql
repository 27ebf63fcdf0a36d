{#
    The delivery outcomes of each pull request, one row per pull request (every one in stg_github__pull_requests):
    the production deployment that shipped it, whether a later pull request reverted it within the revert
    window of metrics.yaml, whether its deployment got an incident, the workflow runs on its head commits, and
    whether its checks were red when it was merged.
#}
with pull_requests as (

    select pull_request_id, merged_at
    from {{ ref('stg_github__pull_requests') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

ci_runs as (

    select * from {{ ref('int_pull_request_ci_runs') }}

),

-- The first successful production deployment (in order of finishing, across production environments) that
-- shipped the pull request: the end of its deploy phase and of lead time for changes.
production_deployments as (

    select *
    from (
        select
            *,
            row_number() over (
                partition by pull_request_id
                order by deployment_finished_at, deployment_id
            ) as deployment_rank
        from {{ ref('int_deployment_pull_requests') }}
        where is_production
    ) as ranked
    where deployment_rank = 1

),

incident_counts as (

    select deployment_id, count(*) as incident_count
    from {{ ref('int_incident_deployments') }}
    where deployment_id is not null
    group by deployment_id

),

reverts as (

    select * from {{ ref('int_pull_requests_reverts') }}

),

-- The first merged revert of each pull request: what reverted it, and when.
first_reverts as (

    select *
    from (
        select
            *,
            row_number() over (
                partition by reverted_pull_request_id
                order by reverted_at, reverting_pull_request_id
            ) as revert_rank
        from reverts
        where reverted_at is not null
    ) as ranked
    where revert_rank = 1

),

ci as (

    select
        pull_request_id,
        sum(case when is_completed then 1 else 0 end) as ci_runs,
        sum(case when is_failure then 1 else 0 end) as ci_failures,
        sum(case when is_cancelled then 1 else 0 end) as ci_cancelled
    from ci_runs
    group by pull_request_id

),

-- What the checks showed when the merge button was pressed: per workflow, the newest run on the head it was
-- merged with among those completed by then. A run still going at the merge did not show a result, and one
-- on an earlier head no longer applied.
head_runs_at_merge as (

    select
        ci_runs.pull_request_id,
        ci_runs.is_failure,
        row_number() over (
            partition by ci_runs.pull_request_id, coalesce(ci_runs.workflow_database_id, -1), ci_runs.workflow_name
            order by ci_runs.created_at desc, ci_runs.completed_at desc, ci_runs.check_suite_id desc
        ) as recency_rank
    from ci_runs
    inner join pull_requests
        on ci_runs.pull_request_id = pull_requests.pull_request_id
    where ci_runs.is_on_final_head
        and ci_runs.completed_at <= pull_requests.merged_at

),

ci_at_merge as (

    select
        pull_request_id,
        max(case when is_failure then 1 else 0 end) = 1 as merged_with_failing_ci
    from head_runs_at_merge
    where recency_rank = 1
    group by pull_request_id

),

final as (

    select
        pull_requests.pull_request_id,
        production_deployments.deployment_id as production_deployment_id,
        production_deployments.environment as production_environment,
        production_deployments.deployment_finished_at as production_deployed_at,
        production_deployments.link_method as deploy_link_method,
        case
            when production_deployments.deployment_id is not null
                then coalesce(incident_counts.incident_count, 0) > 0
        end as shipped_with_incident,
        case
            when production_deployments.deployment_id is not null
                then cast(coalesce(incident_counts.incident_count, 0) as integer)
        end as shipped_incident_count,
        first_reverts.reverting_pull_request_id as reverted_by_pull_request_id,
        first_reverts.reverted_at,
        first_reverts.match_method as revert_match_method,
        case
            when pull_requests.merged_at is not null
                then first_reverts.reverted_at is not null
                    and first_reverts.reverted_at
                        <= {{ dbt.dateadd('day', 'definitions.revert_window_days', 'pull_requests.merged_at') }}
        end as reverted_within_window,
        case
            when pull_requests.merged_at is not null
                then {{ dbt.dateadd('day', 'definitions.revert_window_days', 'pull_requests.merged_at') }}
        end as revert_window_ends_at,
        own_revert.reverted_pull_request_id as reverts_pull_request_id,
        cast(coalesce(ci.ci_runs, 0) as integer) as ci_runs,
        cast(coalesce(ci.ci_failures, 0) as integer) as ci_failures,
        cast(coalesce(ci.ci_cancelled, 0) as integer) as ci_cancelled,
        case
            when pull_requests.merged_at is not null then coalesce(ci_at_merge.merged_with_failing_ci, false)
        end as merged_with_failing_ci
    from pull_requests
    cross join definitions
    left join production_deployments
        on pull_requests.pull_request_id = production_deployments.pull_request_id
    left join incident_counts
        on production_deployments.deployment_id = incident_counts.deployment_id
    left join first_reverts
        on pull_requests.pull_request_id = first_reverts.reverted_pull_request_id
    left join reverts as own_revert
        on pull_requests.pull_request_id = own_revert.reverting_pull_request_id
    left join ci
        on pull_requests.pull_request_id = ci.pull_request_id
    left join ci_at_merge
        on pull_requests.pull_request_id = ci_at_merge.pull_request_id

)

select * from final
