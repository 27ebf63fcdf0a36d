with source as (

    select * from {{ lake_source('github', 'incidents') }}

),

-- Open incidents are re-read until they close: the latest extraction wins.
latest as (

    {{ latest_extraction('source', ['issue_id'], ['updated_at desc', '_run_id desc']) }}

),

renamed as (

    select
        cast(issue_id as varchar) as incident_id,
        cast(repository as varchar) as repository,
        cast({{ json_text('payload', 'number') }} as integer) as number,
        {{ json_text('payload', 'url') }} as url,
        {{ json_text('payload', 'title') }} as title,
        {{ json_text('payload', 'body') }} as body,
        {{ json_text('payload', 'state') }} as state,
        {{ json_text('payload', 'stateReason') }} as state_reason,
        {{ json_text('payload', 'author.login') }} as author_login,
        {{ json_text('payload', 'author.__typename') }} as author_type,
        {{ json_text_array('payload', 'labels.nodes', 'name') }} as labels,
        {{ utc_timestamp(json_text('payload', 'createdAt')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'updatedAt')) }} as updated_at,
        {{ utc_timestamp(json_text('payload', 'closedAt')) }} as closed_at,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
