-- A repository deleted and created again under the same name has two ids: the latest extracted stands for
-- the name.
with repositories as (

    select *
    from (
        select
            *,
            row_number() over (partition by repository order by extracted_at desc, repository_id) as name_rank
        from {{ ref('stg_github__repositories') }}
    ) as ranked
    where name_rank = 1

),

team_repos as (

    select * from {{ ref('stg_yardstick__team_repos') }}

),

-- Repositories other streams name but the repositories stream has not landed (yet): still one row each, so
-- that every fact's repository has a dimension row.
seen as (

    select repository from {{ ref('stg_github__pull_requests') }}
    union
    select repository from {{ ref('stg_github__deployments') }}
    union
    select repository from {{ ref('stg_github__incidents') }}
    union
    -- Imported deployments, and incidents of files and incident tools, in GitHub's spelling where the lake knows it.
    select repository from {{ ref('int_file_deployments') }}
    union
    select repository from {{ ref('int_external_incidents') }} where repository is not null
    union
    select repository from {{ ref('stg_github__check_suites') }}
    union
    select repository from repositories

),

-- Repository names are case-insensitive on GitHub; one listed under two teams belongs to the alphabetically
-- first, as in fct_pull_requests.
repo_teams as (

    select
        lower(repository) as repository_key,
        min(team) as team
    from team_repos
    group by lower(repository)

),

history as (

    select repository, count(*) as default_branch_commit_count
    from {{ ref('stg_github__default_branch_commits') }}
    group by repository

),

deployments as (

    select
        repository,
        sum(case when is_production and is_success then 1 else 0 end) as production_deployment_count
    from {{ ref('int_deployments') }}
    group by repository

),

final as (

    select
        seen.repository,
        repositories.repository_id,
        {{ dbt.split_part('seen.repository', "'/'", 1) }} as owner,
        {{ dbt.split_part('seen.repository', "'/'", 2) }} as name,
        coalesce(repo_teams.team, 'unassigned') as team,
        repositories.default_branch,
        repositories.is_fork,
        repositories.is_archived,
        repositories.created_at,
        repositories.pushed_at,
        repositories.repository_id is not null as is_extracted,
        cast(coalesce(history.default_branch_commit_count, 0) as integer) as default_branch_commit_count,
        cast(coalesce(deployments.production_deployment_count, 0) as integer) as production_deployment_count,
        repositories.extracted_at
    from seen
    left join repositories
        on seen.repository = repositories.repository
    left join repo_teams
        on lower(seen.repository) = repo_teams.repository_key
    left join history
        on seen.repository = history.repository
    left join deployments
        on seen.repository = deployments.repository

)

select * from final
