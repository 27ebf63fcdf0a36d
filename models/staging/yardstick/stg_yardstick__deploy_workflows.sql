with source as (

    select * from {{ source('yardstick', 'deploy_workflows') }}

),

renamed as (

    select
        cast(position as integer) as position,
        cast(workflow as varchar) as workflow,
        cast(match_on as varchar) as match_on,
        cast(workflow_regex as varchar) as workflow_regex,
        cast(environment as varchar) as environment,
        cast(jobs_regex as varchar) as jobs_regex
    from source

)

select * from renamed
