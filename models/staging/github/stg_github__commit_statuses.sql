with source as (

    select * from {{ lake_source('github', 'commit_statuses') }}

),

-- A status is immutable once reported (a new state is a new status), but it lands again whenever its commit
-- is read: the latest extraction wins.
latest as (

    {{ latest_extraction('source', ['repository', 'commit_oid', 'context', 'created_at'], ['_run_id desc', 'commit_context']) }}

),

renamed as (

    select
        {{ surrogate_key(['repository', 'commit_oid', 'context', 'created_at']) }} as commit_status_id,
        cast(repository as varchar) as repository,
        cast(commit_oid as varchar) as commit_oid,
        cast(context as varchar) as context,
        cast(created_at as timestamp) as created_at,
        cast(commit_context as varchar) as commit_context,
        {{ json_text('payload', 'state') }} as state,
        {{ json_text('payload', 'targetUrl') }} as target_url,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
