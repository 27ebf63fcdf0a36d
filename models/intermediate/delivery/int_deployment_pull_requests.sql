{#
    The merged pull requests each successful deployment shipped, one row per (deployment, pull request): at
    most one deployment per pull request and environment, the first one (in order of finishing) whose commit
    contains the merge commit.

    How a pull request is placed:
      - its merge landed on the default branch's first-parent chain (the commit its mergeCommit names, which
        squash, merge and rebase merges all put on the chain; else the highest chain commit GitHub associates
        with it): the deployment whose shipped range holds that position (int_deployment_chain_ranges), be
        it a deployment of the default branch or of a hotfix or release branch cut above that position:
        link_method 'first_parent_ancestry';
      - its merge commit is off the chain (a pull request into a release or hotfix branch): the first
        deployment whose commit lists it among its ancestors (int_deployed_commit_ancestors): link_method
        'branch_ancestry';
      - where the history is missing — the merge is not on the chain the lake holds, or the next
        deployment's commit has no known ancestry — the first successful deployment of the environment
        created at or after the merge: link_method 'merge_time_window', a guess that the metrics can show
        apart. A pull request into another branch is never guessed.
#}
with pull_requests as (

    select
        pull_request_id,
        repository,
        base_ref_name,
        merged_at,
        merge_commit_oid
    from {{ ref('stg_github__pull_requests') }}
    where merged_at is not null

),

repositories as (

    select repository, default_branch from {{ ref('stg_github__repositories') }}

),

chain as (

    select * from {{ ref('int_default_branch_first_parent_chain') }}

),

branch_commits as (

    select repository, commit_oid, associated_pull_request_id
    from {{ ref('stg_github__default_branch_commits') }}
    where associated_pull_request_id is not null

),

ranges as (

    select * from {{ ref('int_deployment_chain_ranges') }}

),

deployed_ancestors as (

    select * from {{ ref('int_deployed_commit_ancestors') }}

),

landed_by_association as (

    select
        branch_commits.associated_pull_request_id as pull_request_id,
        max(chain.chain_position) as chain_position
    from branch_commits
    inner join chain
        on branch_commits.repository = chain.repository
        and branch_commits.commit_oid = chain.commit_oid
    group by branch_commits.associated_pull_request_id

),

landings as (

    select
        pull_requests.pull_request_id,
        pull_requests.repository,
        pull_requests.merged_at,
        pull_requests.merge_commit_oid,
        coalesce(by_merge_commit.chain_position, landed_by_association.chain_position) as landed_position,
        -- Only a pull request into the default branch can be guessed into a deployment of it.
        repositories.default_branch is null
            or pull_requests.base_ref_name = repositories.default_branch as is_into_default_branch
    from pull_requests
    left join chain as by_merge_commit
        on pull_requests.repository = by_merge_commit.repository
        and pull_requests.merge_commit_oid = by_merge_commit.commit_oid
    left join landed_by_association
        on pull_requests.pull_request_id = landed_by_association.pull_request_id
    left join repositories
        on pull_requests.repository = repositories.repository

),

environments as (

    select distinct repository, environment from ranges

),

-- Ranges are contiguous and rising within an environment, so the range holding a position is the one with
-- the lowest upper end at or above it: found by one ordered pass over positions and range ends together.
range_ends as (

    select repository, environment, contained_position as chain_position, deployment_id
    from ranges
    where ships_new_commits

),

position_stream as (

    select
        landings.repository,
        environments.environment,
        landings.landed_position as position,
        0 as is_range_end,
        landings.pull_request_id
    from landings
    inner join environments
        on landings.repository = environments.repository
    where landings.landed_position is not null

    union all

    select
        repository,
        environment,
        chain_position as position,
        1 as is_range_end,
        cast(null as varchar) as pull_request_id
    from range_ends

),

next_range_end as (

    select
        *,
        min(case when is_range_end = 1 then position end) over (
            partition by repository, environment
            order by position, is_range_end
            rows between current row and unbounded following
        ) as range_end_position
    from position_stream

),

chain_links as (

    select
        next_range_end.pull_request_id,
        range_ends.deployment_id,
        next_range_end.environment,
        'first_parent_ancestry' as link_method
    from next_range_end
    inner join range_ends
        on next_range_end.repository = range_ends.repository
        and next_range_end.environment = range_ends.environment
        and next_range_end.range_end_position = range_ends.chain_position
    where next_range_end.is_range_end = 0

),

-- A merge commit off the chain, listed among the ancestors of a deployed commit off the chain.
branch_links as (

    select
        landings.pull_request_id,
        ranges.deployment_id,
        ranges.environment,
        'branch_ancestry' as link_method
    from landings
    inner join deployed_ancestors
        on landings.repository = deployed_ancestors.repository
        and landings.merge_commit_oid = deployed_ancestors.commit_oid
        and deployed_ancestors.chain_position is null
    inner join ranges
        on deployed_ancestors.repository = ranges.repository
        and deployed_ancestors.deployed_oid = ranges.commit_oid

),

-- Per pull request and environment, the first deployment to finish of those that contain it.
ancestry_links as (

    select pull_request_id, deployment_id, environment, link_method
    from (
        select
            candidates.*,
            row_number() over (
                partition by candidates.pull_request_id, candidates.environment
                order by ranges.finish_rank
            ) as link_rank
        from (
            select * from chain_links
            union all
            select * from branch_links
        ) as candidates
        inner join ranges
            on candidates.deployment_id = ranges.deployment_id
    ) as ranked
    where link_rank = 1

),

-- The fallback, per environment a pull request has no ancestry link in: the next successful deployment
-- created at or after the merge, taken only when the history cannot answer (the merge or that deployment's
-- commit is not on the chain).
window_pull_requests as (

    select
        landings.pull_request_id,
        landings.repository,
        environments.environment,
        landings.merged_at,
        landings.landed_position
    from landings
    inner join environments
        on landings.repository = environments.repository
    left join ancestry_links
        on landings.pull_request_id = ancestry_links.pull_request_id
        and environments.environment = ancestry_links.environment
    where ancestry_links.pull_request_id is null
        and landings.is_into_default_branch

),

time_stream as (

    select repository, environment, merged_at as event_at, 0 as is_deployment, pull_request_id
    from window_pull_requests

    union all

    select repository, environment, created_at as event_at, 1 as is_deployment, cast(null as varchar) as pull_request_id
    from ranges

),

next_deployment as (

    select
        *,
        min(case when is_deployment = 1 then event_at end) over (
            partition by repository, environment
            order by event_at, is_deployment
            rows between current row and unbounded following
        ) as next_created_at
    from time_stream

),

window_candidates as (

    select
        next_deployment.pull_request_id,
        next_deployment.environment,
        min(ranges.deployment_id) as deployment_id
    from next_deployment
    inner join ranges
        on next_deployment.repository = ranges.repository
        and next_deployment.environment = ranges.environment
        and next_deployment.next_created_at = ranges.created_at
    where next_deployment.is_deployment = 0
    group by next_deployment.pull_request_id, next_deployment.environment

),

window_links as (

    select
        window_candidates.pull_request_id,
        window_candidates.deployment_id,
        window_candidates.environment,
        'merge_time_window' as link_method
    from window_candidates
    inner join window_pull_requests
        on window_candidates.pull_request_id = window_pull_requests.pull_request_id
        and window_candidates.environment = window_pull_requests.environment
    inner join ranges
        on window_candidates.deployment_id = ranges.deployment_id
    where window_pull_requests.landed_position is null
        or ranges.contained_position is null

),

links as (

    select * from ancestry_links
    union all
    select * from window_links

),

final as (

    select
        links.deployment_id,
        links.pull_request_id,
        ranges.repository,
        ranges.environment,
        ranges.is_production,
        ranges.finished_at as deployment_finished_at,
        landings.merged_at as pull_request_merged_at,
        links.link_method
    from links
    inner join ranges
        on links.deployment_id = ranges.deployment_id
    inner join landings
        on links.pull_request_id = landings.pull_request_id

)

select * from final
