{#
    What each successful deployment shipped, as a range of first-parent chain positions: consecutive successful
    deployments of one repository and environment, in the order they finished, each shipping the chain from
    just above everything shipped before it up to its own commit. A deployment of an older commit than one
    already shipped (a rollback) ships nothing new, so a change counts for the first deployment that contains
    it, never twice. A deployment whose commit is not on the chain the lake holds gets no range (its pull
    requests fall back to the merge-time window in int_deployment_pull_requests).
#}
with deployments as (

    select * from {{ ref('int_deployments') }}
    where is_success

),

chain as (

    select * from {{ ref('int_default_branch_first_parent_chain') }}

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
        chain.chain_position
    from deployments
    left join chain
        on deployments.repository = chain.repository
        and deployments.commit_oid = chain.commit_oid

),

ordered as (

    select
        *,
        max(chain_position) over (
            partition by repository, environment
            order by finished_at, created_at, deployment_id
            rows between unbounded preceding and 1 preceding
        ) as shipped_before_position,
        row_number() over (
            partition by repository, environment
            order by finished_at, created_at, deployment_id
        ) = 1 as is_first_known
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
        chain_position,
        -- The range shipped is (shipped_before_position, chain_position]; -1 below the first known deployment.
        coalesce(shipped_before_position, -1) as shipped_after_position,
        chain_position is not null
            and chain_position > coalesce(shipped_before_position, -1) as ships_new_commits,
        is_first_known
    from ordered

)

select * from final
