with source as (

    select * from {{ lake_source('github', 'deployed_commits') }}

),

latest as (

    {{ latest_extraction('source', ['repository', 'deployed_oid', 'commit_oid']) }}

),

renamed as (

    select
        cast(repository as varchar) as repository,
        cast(deployed_oid as varchar) as deployed_oid,
        cast(commit_oid as varchar) as commit_oid,
        {{ utc_timestamp(json_text('payload', 'committedDate')) }} as committed_at,
        {{ json_text('payload', 'parents.nodes[0].oid') }} as first_parent_oid,
        {{ json_text('payload', 'parents.nodes[1].oid') }} as second_parent_oid,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
