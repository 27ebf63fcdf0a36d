with source as (

    select * from {{ source('yardstick', 'definitions') }}

),

renamed as (

    select
        cast(production_environment_pattern as varchar) as production_environment_pattern,
        cast(revert_window_days as integer) as revert_window_days,
        cast(incident_labels as varchar[]) as incident_labels,
        cast(privacy_floor as integer) as privacy_floor,
        cast(other_bots_are_automation as boolean) as other_bots_are_automation,
        cast(ai_authored_commit_share as double) as ai_authored_commit_share,
        cast(team_attribution as varchar) as team_attribution
    from source

)

select * from renamed
