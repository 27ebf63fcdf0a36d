with source as (

    select * from {{ source('yardstick', 'team_repos') }}

),

renamed as (

    select
        cast(team as varchar) as team,
        cast(repository as varchar) as repository
    from source

)

select * from renamed
