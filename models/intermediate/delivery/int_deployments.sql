with deployments as (

    select * from {{ ref('stg_github__deployments') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

-- Every status the payload holds (the newest 20) and the latest status, which is among them unless a
-- deployment has more; the same status read twice counts once.
statuses as (

    select distinct
        deployment_id,
        {{ json_text('status', 'state') }} as state,
        {{ utc_timestamp(json_text('status', 'createdAt')) }} as created_at,
        {{ json_text('status', 'logUrl') }} as log_url
    from (
        select
            deployment_id,
            {{ unnest_json_array('payload', 'statuses.nodes') }} as status
        from deployments
    ) as unnested

    union

    select
        deployment_id,
        latest_status_state as state,
        latest_status_at as created_at,
        cast(null as varchar) as log_url
    from deployments
    where latest_status_state is not null

),

-- Reaching SUCCESS is what makes a deployment successful: the INACTIVE that follows when a newer one
-- succeeds does not undo it. A deployment that never succeeded ends at its latest FAILURE or ERROR.
outcomes as (

    select
        deployment_id,
        min(case when state = 'SUCCESS' then created_at end) as succeeded_at,
        max(case when state in ('FAILURE', 'ERROR') then created_at end) as failed_at,
        max(created_at) as last_status_at,
        max(log_url) as log_url
    from statuses
    group by deployment_id

),

latest_failure as (

    select
        statuses.deployment_id,
        min(statuses.state) as failure_state
    from statuses
    inner join outcomes
        on statuses.deployment_id = outcomes.deployment_id
        and statuses.created_at = outcomes.failed_at
    where statuses.state in ('FAILURE', 'ERROR')
    group by statuses.deployment_id

),

github_deployments as (

    select
        deployments.deployment_id,
        deployments.repository,
        deployments.database_id,
        deployments.environment,
        coalesce(
            {{ regexp_matches_ignoring_case('deployments.environment', 'definitions.production_environment_pattern') }},
            false
        ) as is_production,
        deployments.commit_oid,
        deployments.ref_name,
        deployments.task,
        deployments.creator_login,
        deployments.creator_type,
        deployments.created_at,
        case
            when outcomes.succeeded_at is not null then 'success'
            when outcomes.failed_at is not null then lower(latest_failure.failure_state)
            when deployments.latest_status_state in ('INACTIVE', 'DESTROYED', 'ABANDONED') then 'inactive'
            else 'in_progress'
        end as outcome,
        outcomes.succeeded_at is not null as is_success,
        outcomes.succeeded_at is null and outcomes.failed_at is not null as is_failed,
        coalesce(outcomes.succeeded_at, outcomes.failed_at) as finished_at,
        deployments.latest_status_state,
        outcomes.last_status_at,
        outcomes.log_url,
        deployments.extracted_at,
        'github' as source,
        cast(null as varchar) as external_id
    from deployments
    cross join definitions
    left join outcomes
        on deployments.deployment_id = outcomes.deployment_id
    left join latest_failure
        on deployments.deployment_id = latest_failure.deployment_id

),

-- Deployments imported from files (yardstick import), already in these columns.
file_deployments as (

    select * from {{ ref('int_file_deployments') }}

),

-- Deployments made by the workflow runs metrics.yaml names (definitions.deploy_workflows).
workflow_deployments as (

    select * from {{ ref('int_workflow_deployments') }}

),

-- A workflow run that also created a GitHub Deployment is that deployment, counted once (as GitHub's): same
-- repository, same commit, same environment (ignoring case), and either the Deployment's log URL is the
-- run's URL (or a page under it, such as a job's), or the Deployment was created while the run went on —
-- from a minute before the run was created (clocks differ) to the run's end (for a run still going, any time
-- after its start).
workflow_duplicates as (

    select distinct workflow_deployments.deployment_id
    from workflow_deployments
    inner join github_deployments
        on workflow_deployments.repository = github_deployments.repository
        and workflow_deployments.commit_oid = github_deployments.commit_oid
        and lower(workflow_deployments.environment) = lower(github_deployments.environment)
    where starts_with(
            rtrim(coalesce(github_deployments.log_url, ''), '/') || '/',
            rtrim(workflow_deployments.log_url, '/') || '/'
        )
        or (
            github_deployments.created_at >= workflow_deployments.created_at - interval 1 minute
            and github_deployments.created_at <= coalesce(workflow_deployments.last_status_at, github_deployments.created_at)
        )

),

final as (

    select * from github_deployments
    union all
    select
        deployment_id, repository, database_id, environment, is_production, commit_oid, ref_name, task,
        creator_login, creator_type, created_at, outcome, is_success, is_failed, finished_at,
        latest_status_state, last_status_at, log_url, extracted_at, source, external_id
    from workflow_deployments
    where deployment_id not in (select deployment_id from workflow_duplicates)
    union all
    select
        deployment_id, repository, database_id, environment, is_production, commit_oid, ref_name, task,
        creator_login, creator_type, created_at, outcome, is_success, is_failed, finished_at,
        latest_status_state, last_status_at, log_url, extracted_at, source, external_id
    from file_deployments

)

select * from final
