with linked as (

    select * from {{ ref('int_incident_deployments') }}

),

github_incidents as (

    select * from {{ ref('stg_github__incidents') }}

),

external_incidents as (

    select * from {{ ref('int_external_incidents') }}

),

-- Every source in one set of columns; a field a source does not have is null.
incidents as (

    select
        incident_id,
        'github' as source,
        cast(null as varchar) as external_id,
        repository,
        cast(null as varchar) as named_team,
        number,
        url,
        title,
        state,
        state_reason,
        author_login,
        labels,
        cast(null as varchar) as severity,
        created_at,
        closed_at as resolved_at,
        extracted_at
    from github_incidents

    union all

    select
        incident_id,
        source,
        external_id,
        repository,
        team as named_team,
        cast(null as integer) as number,
        url,
        title,
        case when resolved_at is null then 'OPEN' else 'CLOSED' end as state,
        cast(null as varchar) as state_reason,
        cast(null as varchar) as author_login,
        cast(null as varchar[]) as labels,
        severity,
        created_at,
        resolved_at,
        extracted_at
    from external_incidents

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
        incidents.source,
        incidents.external_id,
        incidents.repository,
        -- An incident naming its team (a file's, or the one team its mapping names) keeps it; otherwise its repository's.
        coalesce(incidents.named_team, repos.team, 'unassigned') as team,
        incidents.number,
        incidents.url,
        incidents.title,
        incidents.state,
        incidents.state_reason,
        incidents.author_login,
        incidents.labels,
        incidents.severity,
        incidents.created_at as started_at,
        incidents.resolved_at,
        incidents.resolved_at is not null as is_resolved,
        case
            when incidents.resolved_at >= incidents.created_at
                then cast({{ dbt.datediff('incidents.created_at', 'incidents.resolved_at', 'second') }} as double) / 3600
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
