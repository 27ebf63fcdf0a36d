with source as (

    select * from {{ lake_source('pagerduty', 'pagerduty_incidents') }}

),

-- An incident read again (a backfill, the overlap of two nights) keeps its latest extraction.
latest as (

    {{ latest_extraction('source', ['incident_id']) }}

),

-- Incidents are read by their creation time, so one resolved on a later night is not read again: its
-- latest resolve log entry says when.
resolutions as (

    select cast(incident_id as varchar) as incident_id, max(cast(created_at as timestamp)) as resolved_at
    from {{ lake_source('pagerduty', 'pagerduty_resolutions') }}
    group by incident_id

),

renamed as (

    select
        'pagerduty:' || cast(latest.incident_id as varchar) as incident_id,
        cast(latest.incident_id as varchar) as external_id,
        cast({{ json_text('payload', 'incident_number') }} as integer) as incident_number,
        {{ json_text('payload', 'title') }} as title,
        {{ json_text('payload', 'description') }} as description,
        {{ json_text('payload', 'status') }} as status,
        {{ json_text('payload', 'urgency') }} as urgency,
        {{ json_text('payload', 'priority.summary') }} as priority,
        cast(latest.service_id as varchar) as service_id,
        {{ json_text('payload', 'service.summary') }} as service_name,
        {{ utc_timestamp(json_text('payload', 'created_at')) }} as created_at,
        coalesce(
            {{ utc_timestamp(json_text('payload', 'resolved_at')) }},
            case when {{ json_text('payload', 'status') }} = 'resolved'
                then {{ utc_timestamp(json_text('payload', 'last_status_change_at')) }} end,
            resolutions.resolved_at
        ) as resolved_at,
        {{ json_text('payload', 'html_url') }} as url,
        cast(latest._extracted_at as timestamp) as extracted_at,
        cast(latest._run_id as varchar) as run_id
    from latest
    left join resolutions
        on cast(latest.incident_id as varchar) = resolutions.incident_id

),

final as (

    select
        *,
        -- Severity as PagerDuty ranks it: the priority when the account uses priorities, else the urgency.
        coalesce(priority, urgency) as severity,
        -- The cause a responder named: `root cause: <ref>` in the title or the description.
        coalesce(
            {{ regexp_capture('title', '(?i)root[ _-]?cause[*_]*\\s*:[*_]*\\s*([^\\s,;)\\]]+?)[.]?(?:\\s|$|[,;)\\]])', 1) }},
            {{ regexp_capture('description', '(?i)root[ _-]?cause[*_]*\\s*:[*_]*\\s*([^\\s,;)\\]]+?)[.]?(?:\\s|$|[,;)\\]])', 1) }}
        ) as reference
    from renamed

)

select * from final
