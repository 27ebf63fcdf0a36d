with source as (

    select * from {{ lake_source('github', 'repositories') }}

),

-- Delivery is at-least-once: the latest extraction of a repository wins.
latest as (

    {{ latest_extraction('source', ['repository_id'], ['pushed_at desc nulls last', '_run_id desc']) }}

),

renamed as (

    select
        cast(repository_id as varchar) as repository_id,
        cast(repository as varchar) as repository,
        cast({{ json_text('payload', 'databaseId') }} as bigint) as database_id,
        cast({{ json_text('payload', 'isFork') }} as boolean) as is_fork,
        cast({{ json_text('payload', 'isArchived') }} as boolean) as is_archived,
        {{ json_text('payload', 'defaultBranchRef.name') }} as default_branch,
        {{ json_text('payload', 'defaultBranchRef.target.oid') }} as default_branch_head_oid,
        {{ utc_timestamp(json_text('payload', 'createdAt')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'updatedAt')) }} as updated_at,
        {{ utc_timestamp(json_text('payload', 'pushedAt')) }} as pushed_at,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
