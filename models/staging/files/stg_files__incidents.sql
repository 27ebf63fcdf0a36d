with source as (

    select * from {{ lake_source('files', 'incidents') }}

),

-- A row imported again with other values (the incident resolved since the last export) replaces the earlier one.
latest as (

    {{ latest_extraction('source', ['system', 'external_id']) }}

),

renamed as (

    select
        cast(system as varchar) || ':' || cast(external_id as varchar) as incident_id,
        cast(system as varchar) as system,
        cast(external_id as varchar) as external_id,
        {{ json_text('payload', 'title') }} as title,
        {{ utc_timestamp(json_text('payload', 'created_at')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'resolved_at')) }} as resolved_at,
        {{ json_text('payload', 'severity') }} as severity,
        {{ json_text('payload', 'repository') }} as repository,
        {{ json_text('payload', 'team') }} as team,
        {{ json_text('payload', 'reference') }} as reference,
        {{ json_text('payload', 'url') }} as url,
        {{ json_text('payload', 'imported_from.file') }} as imported_from_file,
        cast({{ json_text('payload', 'imported_from.line') }} as integer) as imported_from_line,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
