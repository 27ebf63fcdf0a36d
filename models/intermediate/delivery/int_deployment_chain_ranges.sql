{#
    What each successful deployment shipped of the default branch's first-parent chain, as a range of
    positions: consecutive successful deployments of one repository and environment, in the order they
    finished, each shipping the chain from just above everything shipped before it up to the highest position
    its commit contains. That is the commit's own position when it is on the chain; for a commit of a hotfix
    or release branch, the highest chain position among its ancestors (int_deployed_commit_ancestors): where
    its branch was cut. A deployment of an older commit than one already shipped (a rollback) ships
    nothing new, so a change counts for the first deployment that contains it, never twice. A deployment
    whose commit's ancestry the lake does not hold gets no range (its pull requests fall back to the
    merge-time window in int_deployment_pull_requests).
#}
with deployments as (

    select * from {{ ref('int_deployments') }}
    where is_success

),

chain as (

    select * from {{ ref('int_default_branch_first_parent_chain') }}

),

-- The highest chain position each deployed commit off the chain contains, from its own ancestors.
off_chain as (

    select repository, deployed_oid as commit_oid, max(chain_position) as contained_position
    from {{ ref('int_deployed_commit_ancestors') }}
    group by repository, deployed_oid

),

positioned as (

    select
        deployments.deployment_id,
        deployments.repository,
        deployments.environment,
        deployments.is_production,
        deployments.commit_oid,
        deployments.created_at,
        deployments.finished_at,
        chain.chain_position is not null as is_on_chain,
        coalesce(chain.chain_position, off_chain.contained_position) as contained_position
    from deployments
    left join chain
        on deployments.repository = chain.repository
        and deployments.commit_oid = chain.commit_oid
    left join off_chain
        on deployments.repository = off_chain.repository
        and deployments.commit_oid = off_chain.commit_oid

),

ordered as (

    select
        *,
        max(contained_position) over (
            partition by repository, environment
            order by finished_at, created_at, deployment_id
            rows between unbounded preceding and 1 preceding
        ) as shipped_before_position,
        row_number() over (
            partition by repository, environment
            order by finished_at, created_at, deployment_id
        ) as finish_rank
    from positioned

),

final as (

    select
        deployment_id,
        repository,
        environment,
        is_production,
        commit_oid,
        created_at,
        finished_at,
        is_on_chain,
        contained_position,
        -- The range shipped is (shipped_after_position, contained_position]; -1 below the first known deployment.
        coalesce(shipped_before_position, -1) as shipped_after_position,
        contained_position is not null
            and contained_position > coalesce(shipped_before_position, -1) as ships_new_commits,
        finish_rank,
        finish_rank = 1 as is_first_known
    from ordered

)

select * from final
