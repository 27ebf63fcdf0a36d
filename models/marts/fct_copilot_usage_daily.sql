-- One row per organisation or team and day GitHub reported Copilot figures for, with the people they are a
-- share of: for an organisation, the humans who opened a pull request in its repositories in the 90 days up
-- to the day; for a team, its members in yardstick.yaml (matched by GitHub's slug of the team's name).
-- metrics.yaml's privacy_floor applies: a row whose group is smaller than the floor is left out. GitHub only
-- reports a group with five or more licensed members, so a group counts at least five people.

with usage as (

    select * from {{ ref('stg_github_copilot__copilot_metrics') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

team_members as (

    select * from {{ ref('stg_yardstick__team_members') }}

),

pull_requests as (

    select * from {{ ref('fct_pull_requests') }}

),

teams as (

    select
        team,
        -- GitHub's slug of a team name: lower case, every run of other characters one '-'.
        trim(regexp_replace(lower(team), '[^a-z0-9_]+', '-', 'g'), '-') as slug,
        cast(count(distinct lower(login)) as integer) as members
    from team_members
    group by team

),

authors as (

    select distinct
        lower(split_part(repository, '/', 1)) as organization,
        lower(author_login) as login,
        created_at
    from pull_requests
    where author_type = 'User' and author_login is not null

),

org_days as (

    select distinct organization, day from usage where github_team_slug is null

),

org_people as (

    select
        org_days.organization,
        org_days.day,
        cast(count(distinct authors.login) as integer) as people
    from org_days
    left join authors
        on authors.organization = lower(org_days.organization)
        and authors.created_at >= org_days.day - interval 89 day
        and authors.created_at < org_days.day + interval 1 day
    group by org_days.organization, org_days.day

),

joined as (

    select
        usage.organization,
        case when usage.github_team_slug is null then 'organization' else 'team' end as scope,
        case when usage.github_team_slug is null then null else coalesce(teams.team, usage.github_team_slug) end
            as team,
        usage.github_team_slug,
        usage.day,
        usage.active_users,
        usage.engaged_users,
        usage.code_completion_users,
        usage.ide_chat_users,
        usage.dotcom_chat_users,
        usage.dotcom_pull_request_users,
        case when usage.github_team_slug is null then org_people.people else teams.members end as people
    from usage
    left join teams on teams.slug = usage.github_team_slug
    left join org_people
        on usage.github_team_slug is null
        and org_people.organization = usage.organization
        and org_people.day = usage.day

),

final as (

    select
        joined.*,
        case when joined.people > 0 then cast(joined.active_users as double) / joined.people end as active_share,
        case when joined.people > 0 then cast(joined.engaged_users as double) / joined.people end
            as engaged_share
    from joined
    cross join definitions
    where greatest(coalesce(joined.people, 0), 5) >= definitions.privacy_floor

)

select
    organization,
    scope,
    team,
    github_team_slug,
    day,
    active_users,
    engaged_users,
    code_completion_users,
    ide_chat_users,
    dotcom_chat_users,
    dotcom_pull_request_users,
    people,
    active_share,
    engaged_share
from final
