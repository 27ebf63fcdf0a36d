-- A view, unlike the other GitHub staging models: it carries the raw payload (for the nested lists its
-- consumers unnest), which as a table would more than double the warehouse.
{{ config(materialized='view') }}

with source as (

    select * from {{ lake_source('github', 'deployments') }}

),

-- Deployments in flight are re-read until their statuses are final: the latest extraction wins.
latest as (

    {{ latest_extraction('source', ['deployment_id']) }}

),

renamed as (

    select
        cast(deployment_id as varchar) as deployment_id,
        cast(repository as varchar) as repository,
        cast({{ json_text('payload', 'databaseId') }} as bigint) as database_id,
        {{ json_text('payload', 'environment') }} as environment,
        {{ json_text('payload', 'state') }} as state,
        {{ json_text('payload', 'task') }} as task,
        {{ json_text('payload', 'description') }} as description,
        {{ json_text('payload', 'commitOid') }} as commit_oid,
        {{ json_text('payload', 'ref.name') }} as ref_name,
        {{ json_text('payload', 'creator.login') }} as creator_login,
        {{ json_text('payload', 'creator.__typename') }} as creator_type,
        {{ utc_timestamp(json_text('payload', 'createdAt')) }} as created_at,
        {{ utc_timestamp(json_text('payload', 'updatedAt')) }} as updated_at,
        {{ json_text('payload', 'latestStatus.state') }} as latest_status_state,
        {{ utc_timestamp(json_text('payload', 'latestStatus.createdAt')) }} as latest_status_at,
        cast({{ json_text('payload', 'statuses.totalCount') }} as integer) as status_count,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id,
        -- Kept whole: int_deployments reads the statuses (state, createdAt, logUrl, …) one by one.
        payload
    from latest

)

select * from renamed
