-- A view, unlike the other GitHub staging models: it carries the raw payload (for the nested lists its
-- consumers unnest), which as a table would more than double the warehouse.
{{ config(materialized='view') }}

with source as (

    select * from {{ source('github', 'pull_requests') }}

),

-- Delivery is at-least-once: the same pull request can sit in several batches. The latest extraction wins;
-- ties (one run writing a pull request twice) fall to the later updatedAt, then the later run id.
latest as (

    {{ latest_extraction('source', ['pull_request_id'], ['updated_at desc', '_run_id desc']) }}

),

renamed as (

    select
        cast(pull_request_id as varchar) as pull_request_id,
        cast(repository as varchar) as repository,
        cast({{ json_text('payload', 'number') }} as integer) as number,
        {{ json_text('payload', 'title') }} as title,
        {{ json_text('payload', 'url') }} as url,
        {{ json_text('payload', 'author.login') }} as author_login,
        {{ json_text('payload', 'author.__typename') }} as author_type,
        {{ json_text('payload', 'state') }} as state,
        cast({{ json_text('payload', 'isDraft') }} as boolean) as is_draft,
        {{ utc_timestamp(json_text('payload', 'createdAt')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'updatedAt')) }} as updated_at,
        {{ utc_timestamp(json_text('payload', 'closedAt')) }} as closed_at,
        {{ utc_timestamp(json_text('payload', 'mergedAt')) }} as merged_at,
        cast({{ json_text('payload', 'additions') }} as integer) as additions,
        cast({{ json_text('payload', 'deletions') }} as integer) as deletions,
        cast({{ json_text('payload', 'changedFiles') }} as integer) as changed_files,
        {{ json_text('payload', 'baseRefName') }} as base_ref_name,
        {{ json_text('payload', 'headRefName') }} as head_ref_name,
        {{ json_text('payload', 'mergeCommit.oid') }} as merge_commit_oid,
        {{ utc_timestamp(json_text('payload', 'mergeCommit.committedDate')) }} as merge_commit_committed_at,
        coalesce({{ json_text('payload', 'headCommit.oid') }}, {{ json_text('payload', 'headRefOid') }}) as head_commit_oid,
        {{ json_text('payload', 'body') }} as body,
        {{ json_text_array('payload', 'labels.nodes', 'name') }} as labels,
        {{ utc_timestamp(json_text('payload', 'publishedAt')) }} as published_at,
        -- Ready for review: the last ReadyForReview event, else the opening; none while still a draft.
        case
            when not coalesce(cast({{ json_text('payload', 'isDraft') }} as boolean), false)
                then {{ utc_timestamp(
                    'coalesce(' ~ json_array_max_text('payload', 'timelineItems.nodes', 'createdAt', '__typename', 'ReadyForReviewEvent')
                    ~ ', ' ~ json_text('payload', 'createdAt') ~ ')'
                ) }}
        end as ready_for_review_at,
        {{ json_text('payload', 'mergedBy.login') }} as merged_by_login,
        {{ json_text('payload', 'mergedBy.__typename') }} as merged_by_type,
        {{ json_text('payload', 'authorAssociation') }} as author_association,
        {{ json_text('payload', 'reviewDecision') }} as review_decision,
        cast({{ json_text('payload', 'isCrossRepository') }} as boolean) as is_cross_repository,
        cast({{ json_text('payload', 'commits.totalCount') }} as integer) as commit_count,
        cast({{ json_text('payload', 'reviews.totalCount') }} as integer) as review_count,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id,
        -- Kept whole so that later models (commits, reviews, AI signals) need no re-extraction.
        payload
    from latest

)

select * from renamed
