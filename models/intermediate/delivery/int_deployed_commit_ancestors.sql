{#
    What a deployed commit off the default branch contains, as GitHub's history of it listed it: one row per
    (deployed commit, ancestor), with the ancestor's position when it is on the default branch's first-parent
    chain. Since a chain commit contains every chain commit below it, such a deployment contains the chain up
    to the highest position among its ancestors (where its branch was cut, or the latest merge from the
    default branch into it), plus the branch's own commits.

    Each deployed commit is decided from its own list, a bounded number of rows (DEPLOYED_HISTORY_DEPTH in the
    extractor), so the work grows with the number of such deployments, never with how long a branch lives.
#}
with deployed as (

    select * from {{ ref('stg_github__deployed_commits') }}

),

chain as (

    select repository, commit_oid, chain_position
    from {{ ref('int_default_branch_first_parent_chain') }}

),

final as (

    select
        deployed.repository,
        deployed.deployed_oid,
        deployed.commit_oid,
        chain.chain_position
    from deployed
    left join chain
        on deployed.repository = chain.repository
        and deployed.commit_oid = chain.commit_oid

)

select * from final
