with source as (

    select * from {{ source('yardstick', 'incident_mappings') }}

),

renamed as (

    select
        cast(source as varchar) as source,
        cast(field as varchar) as field,
        cast(value as varchar) as value,
        cast(repository as varchar) as repository,
        cast(team as varchar) as team
    from source

)

select * from renamed
