with pull_requests as (

    select * from {{ ref('stg_github__pull_requests') }}

),

team_members as (

    select * from {{ ref('stg_yardstick__team_members') }}

),

team_repos as (

    select * from {{ ref('stg_yardstick__team_repos') }}

),

-- GitHub logins and repository names are case-insensitive, so matching is too. A login or repository listed
-- under two teams belongs to the alphabetically first, so attribution never depends on the order in
-- yardstick.yaml.
member_teams as (

    select
        lower(login) as login_key,
        min(team) as team
    from team_members
    group by lower(login)

),

repo_teams as (

    select
        lower(repository) as repository_key,
        min(team) as team
    from team_repos
    group by lower(repository)

),

-- The author's team beats the repository's team: people move between repositories, and the metric is
-- about how a team works.
attributed as (

    select
        pull_requests.*,
        coalesce(member_teams.team, repo_teams.team, 'unassigned') as team
    from pull_requests
    left join member_teams
        on lower(pull_requests.author_login) = member_teams.login_key
    left join repo_teams
        on lower(pull_requests.repository) = repo_teams.repository_key

),

final as (

    select
        pull_request_id,
        repository,
        number,
        title,
        url,
        author_login,
        author_type,
        team,
        state,
        is_draft,
        created_at,
        closed_at,
        merged_at,
        merged_at is not null as is_merged,
        case
            when merged_at is not null
                then cast({{ dbt.datediff('created_at', 'merged_at', 'second') }} as double) / 3600
        end as time_to_merge_hours,
        additions,
        deletions,
        commit_count,
        review_count,
        extracted_at
    from attributed

)

select * from final
