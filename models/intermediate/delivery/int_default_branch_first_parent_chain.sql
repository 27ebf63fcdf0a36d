{#
    The default branch's first-parent chain of every repository, with each commit's position on it. GitHub's
    squash, merge and rebase merges each put the commit a pull request's mergeCommit names on this chain, and
    a deployment of a chain commit contains every chain commit at or below its position; commits that arrived
    through a merge's second parent (a merged branch's own commits) are not on it.

    The chain is found by pointer jumping rather than a recursive walk: a walk takes one join per commit of the
    longest chain, jumping takes one join per doubling. jump_k holds each commit's 2^k-th first-parent ancestor;
    then, from the head down, level k adds the ancestors 2^k below every commit found so far, so after the last
    level every chain commit is found exactly once with its distance from the head. 24 levels cover chains of up
    to 16 million commits. A first parent missing from the lake ends the chain there (history read since a date).
#}
{%- set levels = 24 -%}

with commits as (

    select
        repository,
        commit_oid,
        first_parent_oid,
        second_parent_oid,
        committed_at
    from {{ ref('stg_github__default_branch_commits') }}

),

repositories as (

    select repository, default_branch_head_oid from {{ ref('stg_github__repositories') }}

),

named_as_parent as (

    select repository, first_parent_oid as commit_oid from commits where first_parent_oid is not null
    union
    select repository, second_parent_oid as commit_oid from commits where second_parent_oid is not null

),

-- The branch's head: a commit no other commit has as a parent. After a force push the old tip is childless
-- too, so the head the repository last reported wins, then the latest committed.
head_candidates as (

    select
        commits.repository,
        commits.commit_oid,
        row_number() over (
            partition by commits.repository
            order by
                case when commits.commit_oid = repositories.default_branch_head_oid then 0 else 1 end,
                commits.committed_at desc,
                commits.commit_oid
        ) as head_rank
    from commits
    left join named_as_parent
        on commits.repository = named_as_parent.repository
        and commits.commit_oid = named_as_parent.commit_oid
    left join repositories
        on commits.repository = repositories.repository
    where named_as_parent.commit_oid is null

),

-- Commits numbered once, so that every jump joins one integer to another instead of (repository, SHA) pairs.
numbered as materialized (

    select
        repository,
        commit_oid,
        first_parent_oid,
        row_number() over (order by repository, commit_oid) as node
    from commits

),

-- Each CTE below is read more than once; `materialized` keeps DuckDB (and Postgres) from inlining it into
-- every reader, which would repeat the work exponentially.
jump_0 as materialized (

    select
        child.node,
        parent.node as ancestor
    from numbered as child
    inner join numbered as parent
        on child.repository = parent.repository
        and child.first_parent_oid = parent.commit_oid

),

{% for k in range(1, levels) %}
jump_{{ k }} as materialized (

    select
        lower_half.node,
        upper_half.ancestor
    from jump_{{ k - 1 }} as lower_half
    inner join jump_{{ k - 1 }} as upper_half
        on lower_half.ancestor = upper_half.node

),
{% endfor %}

level_{{ levels }} as (

    select
        numbered.node,
        cast(0 as bigint) as distance_from_head
    from head_candidates
    inner join numbered
        on head_candidates.repository = numbered.repository
        and head_candidates.commit_oid = numbered.commit_oid
    where head_candidates.head_rank = 1

),

{% for k in range(levels - 1, -1, -1) %}
level_{{ k }} as {% if k > 0 %}materialized {% endif %}(

    select node, distance_from_head from level_{{ k + 1 }}
    union all
    select
        jump_{{ k }}.ancestor as node,
        found.distance_from_head + {{ 2 ** k }} as distance_from_head
    from level_{{ k + 1 }} as found
    inner join jump_{{ k }}
        on found.node = jump_{{ k }}.node

),
{% endfor %}

chain as (

    select
        numbered.repository,
        numbered.commit_oid,
        level_0.distance_from_head
    from level_0
    inner join numbered
        on level_0.node = numbered.node

),

final as (

    select
        repository,
        commit_oid,
        -- 0 at the oldest commit of the chain the lake holds, rising by one per commit towards the head.
        max(distance_from_head) over (partition by repository) - distance_from_head as chain_position,
        distance_from_head,
        distance_from_head = 0 as is_head
    from chain

)

select * from final
