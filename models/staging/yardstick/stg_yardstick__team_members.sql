with source as (

    select * from {{ source('yardstick', 'team_members') }}

),

renamed as (

    select
        cast(team as varchar) as team,
        cast(login as varchar) as login
    from source

)

select * from renamed
