with source as (

    select * from {{ lake_source('incident_io', 'incident_io_incidents') }}

),

-- Incidents are read again whenever they change: the latest change wins.
latest as (

    {{ latest_extraction('source', ['incident_id'], ['updated_at desc', '_run_id desc']) }}

),

-- When it was resolved: its "Resolved at" timestamp.
resolutions as (

    select incident_id, max({{ utc_timestamp(json_text('timestamp_value', 'value.value')) }}) as resolved_at
    from (
        select incident_id, {{ unnest_json_array('payload', 'incident_timestamp_values') }} as timestamp_value
        from latest
    ) as unnested
    where lower({{ json_text('timestamp_value', 'incident_timestamp.name') }}) = 'resolved at'
    group by incident_id

),

-- The custom field yardstick.yaml names as the root cause's (incidentIo.referenceField).
reference_field as (

    select min(value) as field
    from {{ ref('stg_yardstick__incident_mappings') }}
    where source = 'incident_io' and field = 'reference_field'

),

named_causes as (

    select keys.incident_id, min(keys.value) as reference
    from {{ ref('stg_incident_io__incident_keys') }} as keys
    inner join reference_field
        on keys.field = 'custom_field:' || reference_field.field
    group by keys.incident_id

),

renamed as (

    select
        'incident_io:' || cast(latest.incident_id as varchar) as incident_id,
        cast(latest.incident_id as varchar) as external_id,
        {{ json_text('payload', 'reference') }} as reference_code,
        {{ json_text('payload', 'name') }} as title,
        {{ json_text('payload', 'summary') }} as summary,
        {{ json_text('payload', 'incident_status.name') }} as status,
        {{ json_text('payload', 'incident_status.category') }} as status_category,
        {{ json_text('payload', 'severity.name') }} as severity,
        {{ json_text('payload', 'incident_type.name') }} as incident_type,
        {{ utc_timestamp(json_text('payload', 'created_at')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'updated_at')) }} as updated_at,
        resolutions.resolved_at,
        {{ json_text('payload', 'permalink') }} as url,
        cast(latest._extracted_at as timestamp) as extracted_at,
        cast(latest._run_id as varchar) as run_id
    from latest
    left join resolutions
        on latest.incident_id = resolutions.incident_id

),

final as (

    select
        renamed.*,
        -- The cause a responder named: the reference field, else `root cause: <ref>` in the summary.
        coalesce(
            trim(named_causes.reference),
            {{ regexp_capture('renamed.summary', '(?i)root[ _-]?cause[*_]*\\s*:[*_]*\\s*([^\\s,;)\\]]+?)[.]?(?:\\s|$|[,;)\\]])', 1) }}
        ) as reference
    from renamed
    left join named_causes
        on renamed.incident_id = named_causes.incident_id

)

select * from final
