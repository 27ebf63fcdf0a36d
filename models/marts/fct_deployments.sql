with deployments as (

    select * from {{ ref('int_deployments') }}

),

ranges as (

    select * from {{ ref('int_deployment_chain_ranges') }}

),

chain as (

    select * from {{ ref('int_default_branch_first_parent_chain') }}

),

off_chain as (

    select repository, deployed_oid as commit_oid, max(chain_position) as contained_position
    from {{ ref('int_deployed_commit_ancestors') }}
    group by repository, deployed_oid

),

shipped as (

    select
        deployment_id,
        count(*) as shipped_pull_request_count,
        sum(case when link_method = 'merge_time_window' then 1 else 0 end) as shipped_by_window_count
    from {{ ref('int_deployment_pull_requests') }}
    group by deployment_id

),

incidents as (

    select deployment_id, count(*) as linked_incident_count
    from {{ ref('int_incident_deployments') }}
    where deployment_id is not null
    group by deployment_id

),

-- The repository's team, by dim_repos's rule (yardstick.yaml teams[].repos), so that deployments, incidents
-- and CI runs slice by team the same way.
repos as (

    select repository, team from {{ ref('dim_repos') }}

),

final as (

    select
        deployments.deployment_id,
        deployments.source,
        deployments.external_id,
        deployments.repository,
        coalesce(repos.team, 'unassigned') as team,
        deployments.database_id,
        deployments.environment,
        deployments.is_production,
        deployments.commit_oid,
        deployments.ref_name,
        deployments.creator_login,
        deployments.created_at,
        deployments.finished_at,
        deployments.outcome,
        deployments.is_success,
        deployments.is_failed,
        -- A status dated before its deployment is a data error: no duration rather than a negative one.
        case
            when deployments.finished_at >= deployments.created_at
                then cast({{ dbt.datediff('deployments.created_at', 'deployments.finished_at', 'second') }} as double) / 60
        end as duration_minutes,
        deployments.log_url,
        chain.chain_position is not null or off_chain.contained_position is not null as has_commit_history,
        chain.chain_position is not null as is_on_default_branch,
        coalesce(ranges.is_first_known, false) as is_first_known,
        cast(coalesce(shipped.shipped_pull_request_count, 0) as integer) as shipped_pull_request_count,
        cast(coalesce(shipped.shipped_by_window_count, 0) as integer) as shipped_by_window_count,
        cast(coalesce(incidents.linked_incident_count, 0) as integer) as linked_incident_count,
        coalesce(incidents.linked_incident_count, 0) > 0 as has_incident,
        deployments.is_success
            and deployments.is_production
            and coalesce(incidents.linked_incident_count, 0) > 0 as is_change_failure,
        deployments.extracted_at
    from deployments
    left join ranges
        on deployments.deployment_id = ranges.deployment_id
    left join chain
        on deployments.repository = chain.repository
        and deployments.commit_oid = chain.commit_oid
    left join off_chain
        on deployments.repository = off_chain.repository
        and deployments.commit_oid = off_chain.commit_oid
    left join shipped
        on deployments.deployment_id = shipped.deployment_id
    left join incidents
        on deployments.deployment_id = incidents.deployment_id
    left join repos
        on deployments.repository = repos.repository

)

select * from final
