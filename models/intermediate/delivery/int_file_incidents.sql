{#
    Imported incidents with the repositories they map to, for linking: the repository the file names (as
    GitHub spells it when the lake knows it), else every repository of the team it names (yardstick.yaml
    teams[].repos). An incident naming neither maps to none (the import refuses such a row).
#}
with incidents as (

    select * from {{ ref('stg_files__incidents') }}

),

team_repos as (

    select * from {{ ref('stg_yardstick__team_repos') }}

),

github_repositories as (

    select lower(repository) as repository_key, min(repository) as repository
    from {{ ref('stg_github__repositories') }}
    group by lower(repository)

),

named as (

    select
        incidents.incident_id,
        coalesce(github_repositories.repository, incidents.repository) as repository
    from incidents
    left join github_repositories
        on lower(incidents.repository) = github_repositories.repository_key
    where incidents.repository is not null

),

by_team as (

    select
        incidents.incident_id,
        coalesce(github_repositories.repository, team_repos.repository) as repository
    from incidents
    inner join team_repos
        on lower(incidents.team) = lower(team_repos.team)
    left join github_repositories
        on lower(team_repos.repository) = github_repositories.repository_key
    where incidents.repository is null

),

mapped as (

    select incident_id, {{ sorted_distinct_list('repository') }} as mapped_repositories
    from (
        select * from named
        union all
        select * from by_team
    ) as repositories
    group by incident_id

),

final as (

    select
        incidents.incident_id,
        incidents.system,
        incidents.external_id,
        named.repository,
        incidents.team,
        incidents.title,
        incidents.severity,
        incidents.created_at,
        incidents.resolved_at,
        incidents.reference,
        incidents.url,
        coalesce(mapped.mapped_repositories, {{ empty_text_list() }}) as mapped_repositories,
        incidents.extracted_at
    from incidents
    left join named
        on incidents.incident_id = named.incident_id
    left join mapped
        on incidents.incident_id = mapped.incident_id

)

select * from final
