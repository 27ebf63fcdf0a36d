with source as (

    select * from {{ lake_source('github', 'pull_request_reviews') }}

),

-- Delivery is at-least-once, and a review is re-read while its pull request changes: the latest
-- extraction wins; ties (one run writing it twice) fall to the later run id.
latest as (

    {{ latest_extraction('source', ['review_id']) }}

),

renamed as (

    select
        cast(review_id as varchar) as review_id,
        cast(pull_request_id as varchar) as pull_request_id,
        cast(repository as varchar) as repository,
        {{ json_text('payload', 'state') }} as state,
        {{ utc_timestamp(json_text('payload', 'submittedAt')) }} as submitted_at,
        {{ json_text('payload', 'author.login') }} as author_login,
        {{ json_text('payload', 'author.__typename') }} as author_type,
        {{ json_text('payload', 'authorAssociation') }} as author_association,
        {{ json_text('payload', 'commit.oid') }} as commit_oid,
        cast({{ json_text('payload', 'comments.totalCount') }} as integer) as comment_count,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
