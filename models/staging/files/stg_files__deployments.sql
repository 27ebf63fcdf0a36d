with source as (

    select * from {{ lake_source('files', 'deployments') }}

),

-- A row imported again with other values (a later export of the same deployment) replaces the earlier one.
latest as (

    {{ latest_extraction('source', ['system', 'external_id']) }}

),

renamed as (

    select
        cast(system as varchar) || ':' || cast(external_id as varchar) as deployment_id,
        cast(system as varchar) as system,
        cast(external_id as varchar) as external_id,
        cast(repository as varchar) as repository,
        {{ json_text('payload', 'environment') }} as environment,
        {{ json_text('payload', 'commit_sha') }} as commit_oid,
        {{ json_text('payload', 'status') }} as status,
        {{ utc_timestamp(json_text('payload', 'created_at')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'finished_at')) }} as finished_at,
        {{ json_text('payload', 'ref') }} as ref_name,
        {{ json_text('payload', 'url') }} as url,
        {{ json_text('payload', 'deployed_by') }} as deployed_by,
        {{ json_text('payload', 'imported_from.file') }} as imported_from_file,
        cast({{ json_text('payload', 'imported_from.line') }} as integer) as imported_from_line,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
