with source as (

    select * from {{ lake_source('github', 'pull_request_commits') }}

),

-- Delivery is at-least-once: a pull request's commit can sit in several batches. The latest extraction
-- wins; ties (one run writing it twice) fall to the later run id.
latest as (

    {{ latest_extraction('source', ['pull_request_id', 'commit_oid']) }}

),

renamed as (

    select
        {{ surrogate_key(['pull_request_id', 'commit_oid']) }} as pull_request_commit_id,
        cast(pull_request_id as varchar) as pull_request_id,
        cast(commit_oid as varchar) as commit_oid,
        cast(repository as varchar) as repository,
        {{ json_text('payload', 'message') }} as message,
        {{ utc_timestamp(json_text('payload', 'authoredDate')) }} as authored_at,
        {{ utc_timestamp(json_text('payload', 'committedDate')) }} as committed_at,
        cast({{ json_text('payload', 'additions') }} as integer) as additions,
        cast({{ json_text('payload', 'deletions') }} as integer) as deletions,
        {{ json_text('payload', 'author.name') }} as author_name,
        {{ json_text('payload', 'author.email') }} as author_email,
        {{ json_text('payload', 'author.user.login') }} as author_login,
        {{ json_text('payload', 'committer.name') }} as committer_name,
        {{ json_text('payload', 'committer.email') }} as committer_email,
        {{ json_text('payload', 'committer.user.login') }} as committer_login,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
