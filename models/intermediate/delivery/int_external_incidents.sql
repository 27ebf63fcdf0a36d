{#
    Incidents of every source but GitHub's issues — imported from files, PagerDuty, incident.io — in one
    shape, with the repositories each maps to for linking:
      - an imported one: the repository its file names (as GitHub spells it when the lake knows it), else
        every repository of the team it names (yardstick.yaml teams[].repos);
      - an incident tool's: what yardstick.yaml maps its PagerDuty service, or its incident.io incident type
        or custom field values, to (stg_yardstick__incident_mappings): repositories, and every repository of
        the teams. Its repository is the one it maps to when that is exactly one; its team the one team a
        mapping names when that is exactly one.
    An incident mapping to nothing has no repositories, and links to nothing but what its reference names.
#}
with file_incidents as (

    select * from {{ ref('stg_files__incidents') }}

),

pagerduty_incidents as (

    select * from {{ ref('stg_pagerduty__incidents') }}

),

incident_io_incidents as (

    select * from {{ ref('stg_incident_io__incidents') }}

),

incident_io_keys as (

    select * from {{ ref('stg_incident_io__incident_keys') }}

),

mappings as (

    select * from {{ ref('stg_yardstick__incident_mappings') }}

),

team_repos as (

    select * from {{ ref('stg_yardstick__team_repos') }}

),

github_repositories as (

    {{ github_repository_spellings() }}

),

-- Every incident in one set of columns.
incidents as (

    select
        incident_id, 'file' as source, system, external_id, repository as named_repository,
        team as named_team, title, severity, created_at, resolved_at, reference, url, extracted_at
    from file_incidents

    union all

    select
        incident_id, 'pagerduty' as source, 'pagerduty' as system, external_id,
        cast(null as varchar) as named_repository, cast(null as varchar) as named_team, title, severity,
        created_at, resolved_at, reference, url, extracted_at
    from pagerduty_incidents

    union all

    select
        incident_id, 'incident_io' as source, 'incident_io' as system, external_id,
        cast(null as varchar) as named_repository, cast(null as varchar) as named_team, title, severity,
        created_at, resolved_at, reference, url, extracted_at
    from incident_io_incidents

),

-- What each incident tool's incident is matched on: its service, its incident type, its custom fields.
incident_keys as (

    select incident_id, 'pagerduty' as source, 'service' as field, service_id as value
    from pagerduty_incidents

    union all

    select incident_id, 'incident_io' as source, field, value
    from incident_io_keys

),

-- Repositories and teams each incident maps to, before teams become their repositories.
targets as (

    select incident_id, named_repository as repository, cast(null as varchar) as team
    from incidents
    where source = 'file' and named_repository is not null

    union all

    select incident_id, cast(null as varchar) as repository, named_team as team
    from incidents
    where source = 'file' and named_repository is null and named_team is not null

    union all

    select distinct incident_keys.incident_id, mappings.repository, mappings.team
    from incident_keys
    inner join mappings
        on incident_keys.source = mappings.source
        and incident_keys.field = mappings.field
        and incident_keys.value = mappings.value

),

target_repositories as (

    select
        targets.incident_id,
        coalesce(github_repositories.repository, targets.repository) as repository
    from targets
    left join github_repositories
        on lower(targets.repository) = github_repositories.repository_key
    where targets.repository is not null

    union all

    select
        targets.incident_id,
        coalesce(github_repositories.repository, team_repos.repository) as repository
    from targets
    inner join team_repos
        on lower(targets.team) = lower(team_repos.team)
    left join github_repositories
        on lower(team_repos.repository) = github_repositories.repository_key
    where targets.repository is null

),

mapped as (

    select incident_id, {{ sorted_distinct_list('repository') }} as mapped_repositories
    from target_repositories
    group by incident_id

),

-- An incident tool's incident: the single team its mappings name, if one.
mapped_teams as (

    select incident_id, min(team) as team
    from targets
    where team is not null
    group by incident_id
    having count(distinct team) = 1

),

final as (

    select
        incidents.incident_id,
        incidents.source,
        incidents.system,
        incidents.external_id,
        case
            when incidents.source = 'file' and incidents.named_repository is not null
                then coalesce(github_repositories.repository, incidents.named_repository)
            when incidents.source <> 'file' and len(mapped.mapped_repositories) = 1
                then mapped.mapped_repositories[1]
        end as repository,
        case when incidents.source = 'file' then incidents.named_team else mapped_teams.team end as team,
        incidents.title,
        incidents.severity,
        incidents.created_at,
        incidents.resolved_at,
        incidents.reference,
        incidents.url,
        coalesce(mapped.mapped_repositories, {{ empty_text_list() }}) as mapped_repositories,
        incidents.extracted_at
    from incidents
    left join github_repositories
        on lower(incidents.named_repository) = github_repositories.repository_key
    left join mapped
        on incidents.incident_id = mapped.incident_id
    left join mapped_teams
        on incidents.incident_id = mapped_teams.incident_id

)

select * from final
