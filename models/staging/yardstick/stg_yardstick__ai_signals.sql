with source as (

    select * from {{ source('yardstick', 'ai_signals') }}

),

renamed as (

    select
        cast(signal as varchar) as signal,
        cast(tool as varchar) as tool,
        cast(kind as varchar) as kind,
        cast(pattern as varchar) as pattern,
        cast(strength as varchar) as strength,
        cast(authorship as varchar) as authorship,
        cast(required_text as varchar) as required_text
    from source

)

select * from renamed
