{#
    What an incident.io incident can be mapped on, one row per (incident, field, value): its incident type
    (`incident_type`) and every value of its custom fields (`custom_field:<the field's name>`: a text, an
    option's value, a catalog entry's name, a link or a number).
#}
with source as (

    select * from {{ lake_source('incident_io', 'incident_io_incidents') }}

),

latest as (

    {{ latest_extraction('source', ['incident_id'], ['updated_at desc', '_run_id desc']) }}

),

entries as (

    select incident_id, {{ unnest_json_array('payload', 'custom_field_entries') }} as entry
    from latest

),

entry_values as (

    select
        incident_id,
        {{ json_text('entry', 'custom_field.name') }} as field_name,
        {{ unnest_json_array('entry', 'values') }} as entry_value
    from entries

),

final as (

    select
        'incident_io:' || cast(incident_id as varchar) as incident_id,
        'custom_field:' || field_name as field,
        coalesce(
            {{ json_text('entry_value', 'value_text') }},
            {{ json_text('entry_value', 'value_option.value') }},
            {{ json_text('entry_value', 'value_catalog_entry.name') }},
            {{ json_text('entry_value', 'value_link') }},
            {{ json_text('entry_value', 'value_numeric') }}
        ) as value
    from entry_values
    where field_name is not null

    union all

    select
        'incident_io:' || cast(incident_id as varchar) as incident_id,
        'incident_type' as field,
        {{ json_text('payload', 'incident_type.name') }} as value
    from latest
    where {{ json_text('payload', 'incident_type.name') }} is not null

)

select * from final where value is not null
