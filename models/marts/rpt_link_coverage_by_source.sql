-- How far to trust each incident source: its incidents, how many link to a deployment and how (by a reference
-- its incidents name, or by the latest deployment before), how many map to no repository, and how fresh it is.
-- One row per source that has incidents.

with incidents as (

    select * from {{ ref('fct_incidents') }}

),

final as (

    select
        source,
        cast(count(*) as integer) as incidents,
        cast(count(*) filter (where is_linked) as integer) as incidents_linked_to_deployment,
        cast(count(*) filter (where link_method like 'root_cause%') as integer) as incidents_linked_by_reference,
        cast(count(*) filter (where link_method = 'latest_before') as integer) as incidents_linked_latest_before,
        cast(count(*) filter (where repository is null) as integer) as incidents_without_repository,
        cast(count(*) filter (where is_linked) as double) / nullif(count(*), 0) as share_incidents_linked,
        max(started_at) as latest_incident_started_at,
        max(extracted_at) as last_read_at
    from incidents
    group by source

)

select * from final
