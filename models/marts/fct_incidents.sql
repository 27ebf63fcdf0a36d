with linked as (

    select * from {{ ref('int_incident_deployments') }}

),

incidents as (

    select * from {{ ref('stg_github__incidents') }}

),

deployments as (

    select * from {{ ref('int_deployments') }}

),

-- The repository's team, by dim_repos's rule (yardstick.yaml teams[].repos).
repos as (

    select repository, team from {{ ref('dim_repos') }}

),

final as (

    select
        linked.incident_id,
        incidents.repository,
        coalesce(repos.team, 'unassigned') as team,
        incidents.number,
        incidents.url,
        incidents.title,
        incidents.state,
        incidents.state_reason,
        incidents.author_login,
        incidents.labels,
        incidents.created_at as started_at,
        incidents.closed_at as resolved_at,
        incidents.closed_at is not null as is_resolved,
        case
            when incidents.closed_at >= incidents.created_at
                then cast({{ dbt.datediff('incidents.created_at', 'incidents.closed_at', 'second') }} as double) / 3600
        end as time_to_restore_hours,
        linked.root_cause,
        linked.deployment_id,
        linked.link_method,
        linked.deployment_id is not null as is_linked,
        coalesce(deployments.is_production and deployments.is_success, false) as is_change_failure,
        deployments.environment as deployment_environment,
        deployments.finished_at as deployment_finished_at,
        incidents.extracted_at
    from linked
    inner join incidents
        on linked.incident_id = incidents.incident_id
    left join deployments
        on linked.deployment_id = deployments.deployment_id
    left join repos
        on incidents.repository = repos.repository

)

select * from final
