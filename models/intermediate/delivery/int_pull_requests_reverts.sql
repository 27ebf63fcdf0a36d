{#
    Which pull request reverted which, one row per revert pull request whose target could be found. The target
    is what the revert names, most explicit first:
      1. its body says `Reverts owner/repo#N` (GitHub's revert button; `Reverts #N` means this repository) or
         links the pull request's URL after "Reverts": match_method 'reverts_reference';
      2. its body says `This reverts commit <sha>` (git revert; 7 to 40 hex digits): the pull request of this
         repository whose merge commit that is, else the one GitHub associates with that default-branch
         commit: match_method 'reverted_commit';
      3. its title is `Revert "<title>"`: the latest pull request of this repository with exactly that title
         merged before the revert was opened: match_method 'revert_title'.
    A revert reverts when it is merged (reverted_at); an open or closed revert names its target but reverts
    nothing yet. Pull requests that do not name a target are not here.
#}
with pull_requests as (

    select
        pull_request_id,
        repository,
        number,
        title,
        body,
        created_at,
        merged_at,
        merge_commit_oid
    from {{ ref('stg_github__pull_requests') }}

),

branch_commits as (

    select repository, commit_oid, associated_pull_request_id
    from {{ ref('stg_github__default_branch_commits') }}
    where associated_pull_request_id is not null

),

named_targets as (

    select
        pull_request_id,
        repository,
        created_at,
        merged_at,
        coalesce(
            {{ regexp_capture('body', '(?i)\\breverts\\s+([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#[0-9]+', 1) }},
            {{ regexp_capture('body', '(?i)\\breverts\\s+https?://[^/\\s]+/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/pull/[0-9]+', 1) }},
            case when {{ regexp_capture('body', '(?i)\\breverts\\s+(#)[0-9]+', 1) }} is not null then repository end
        ) as referenced_repository,
        cast(coalesce(
            {{ regexp_capture('body', '(?i)\\breverts\\s+(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?#([0-9]+)', 1) }},
            {{ regexp_capture('body', '(?i)\\breverts\\s+https?://[^/\\s]+/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/pull/([0-9]+)', 1) }}
        ) as integer) as referenced_number,
        lower({{ regexp_capture('body', '(?i)\\bthis reverts commit ([0-9a-f]{7,40})\\b', 1) }}) as reverted_sha,
        {{ regexp_capture('title', '(?i)^\\s*revert\\s+"(.*)"\\s*$', 1) }} as reverted_title
    from pull_requests

),

candidates as (

    select * from named_targets
    where referenced_number is not null
        or reverted_sha is not null
        or reverted_title is not null

),

by_reference as (

    select
        candidates.pull_request_id as reverting_pull_request_id,
        target.pull_request_id as reverted_pull_request_id,
        1 as priority,
        'reverts_reference' as match_method
    from candidates
    inner join pull_requests as target
        on lower(candidates.referenced_repository) = lower(target.repository)
        and candidates.referenced_number = target.number
    where target.pull_request_id <> candidates.pull_request_id

),

by_merge_commit as (

    select
        candidates.pull_request_id as reverting_pull_request_id,
        target.pull_request_id as reverted_pull_request_id,
        2 as priority,
        'reverted_commit' as match_method
    from candidates
    inner join pull_requests as target
        on candidates.repository = target.repository
        and substring(target.merge_commit_oid, 1, 7) = substring(candidates.reverted_sha, 1, 7)
        and substring(target.merge_commit_oid, 1, length(candidates.reverted_sha)) = candidates.reverted_sha
    where target.pull_request_id <> candidates.pull_request_id

),

by_associated_commit as (

    select
        candidates.pull_request_id as reverting_pull_request_id,
        branch_commits.associated_pull_request_id as reverted_pull_request_id,
        3 as priority,
        'reverted_commit' as match_method
    from candidates
    inner join branch_commits
        on candidates.repository = branch_commits.repository
        and substring(branch_commits.commit_oid, 1, 7) = substring(candidates.reverted_sha, 1, 7)
        and substring(branch_commits.commit_oid, 1, length(candidates.reverted_sha)) = candidates.reverted_sha
    where branch_commits.associated_pull_request_id <> candidates.pull_request_id

),

by_title as (

    select
        candidates.pull_request_id as reverting_pull_request_id,
        target.pull_request_id as reverted_pull_request_id,
        -- Among pull requests with the same title, the latest merged before the revert was opened.
        4 + row_number() over (
            partition by candidates.pull_request_id
            order by target.merged_at desc, target.pull_request_id
        ) as priority,
        'revert_title' as match_method
    from candidates
    inner join pull_requests as target
        on candidates.repository = target.repository
        and candidates.reverted_title = target.title
    where target.pull_request_id <> candidates.pull_request_id
        and target.merged_at is not null
        and target.merged_at <= candidates.created_at

),

matches as (

    select * from by_reference
    union all
    select * from by_merge_commit
    union all
    select * from by_associated_commit
    union all
    select * from by_title

),

ranked as (

    select
        *,
        row_number() over (
            partition by reverting_pull_request_id
            order by priority, reverted_pull_request_id
        ) as match_rank
    from matches

),

final as (

    select
        ranked.reverting_pull_request_id,
        ranked.reverted_pull_request_id,
        reverting.repository,
        ranked.match_method,
        reverting.created_at as revert_created_at,
        reverting.merged_at as reverted_at,
        target.merged_at as reverted_pull_request_merged_at,
        case
            when reverting.merged_at is not null and target.merged_at is not null
                then cast({{ dbt.datediff('target.merged_at', 'reverting.merged_at', 'second') }} as double) / 86400
        end as days_from_merge_to_revert
    from ranked
    inner join pull_requests as reverting
        on ranked.reverting_pull_request_id = reverting.pull_request_id
    inner join pull_requests as target
        on ranked.reverted_pull_request_id = target.pull_request_id
    where ranked.match_rank = 1

)

select * from final
