-- One row per team in yardstick.yaml, plus 'unassigned': how many people and repositories it names, and
-- how many pull requests count for it.

with team_members as (

    select * from {{ ref('stg_yardstick__team_members') }}

),

team_repos as (

    select * from {{ ref('stg_yardstick__team_repos') }}

),

pull_requests as (

    select * from {{ ref('fct_pull_requests') }}

),

teams as (

    select team from team_members
    union
    select team from team_repos
    union
    select 'unassigned' as team

),

final as (

    select
        teams.team,
        teams.team = 'unassigned' as is_unassigned,
        cast((select count(distinct lower(login)) from team_members where team_members.team = teams.team) as integer)
            as member_count,
        cast((select count(distinct lower(repository)) from team_repos where team_repos.team = teams.team) as integer)
            as repository_count,
        cast((select count(*) from pull_requests where pull_requests.team = teams.team) as integer)
            as pull_request_count
    from teams

)

select * from final
