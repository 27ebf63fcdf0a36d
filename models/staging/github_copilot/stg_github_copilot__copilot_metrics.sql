-- One row per organisation or team and day: the latest extraction of the day wins (a day is re-read for
-- two days after it was first read, in case GitHub completes it late).

with source as (

    select * from {{ lake_source('github_copilot', 'copilot_metrics') }}

),

latest as (

    {{ latest_extraction('source', ['organization', 'team', 'date']) }}

),

renamed as (

    select
        cast(organization as varchar) as organization,
        cast(team as varchar) as github_team_slug,
        cast(cast(date as date) as timestamp) as day,
        cast({{ json_text('payload', 'total_active_users') }} as integer) as active_users,
        cast({{ json_text('payload', 'total_engaged_users') }} as integer) as engaged_users,
        cast({{ json_text('payload', 'copilot_ide_code_completions.total_engaged_users') }} as integer)
            as code_completion_users,
        cast({{ json_text('payload', 'copilot_ide_chat.total_engaged_users') }} as integer) as ide_chat_users,
        cast({{ json_text('payload', 'copilot_dotcom_chat.total_engaged_users') }} as integer) as dotcom_chat_users,
        cast({{ json_text('payload', 'copilot_dotcom_pull_requests.total_engaged_users') }} as integer)
            as dotcom_pull_request_users,
        cast(_extracted_at as timestamp) as extracted_at,
        cast(_run_id as varchar) as run_id
    from latest

)

select * from renamed
