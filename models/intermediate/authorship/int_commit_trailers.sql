with commits as (

    select * from {{ ref('stg_github__pull_request_commits') }}

),

-- A commit on several pull requests has one message (its oid fixes it): parse it once.
distinct_commits as (

    select
        commit_oid,
        max(message) as message
    from commits
    group by commit_oid

),

trailer_lines as (

    select
        commit_oid,
        {{ unnest_trailer_lines('message') }}
    from distinct_commits

),

-- Keys are compared in lower case: tools and people write Co-Authored-By and Co-authored-by alike.
split as (

    select
        commit_oid,
        trailer_number,
        lower(trim({{ dbt.split_part('trailer_line', "':'", 1) }})) as trailer_key,
        trim(substr(trailer_line, strpos(trailer_line, ':') + 1)) as trailer_value
    from trailer_lines

),

-- "Name <e-mail>" when the value has that shape; otherwise the whole value is the name (Made-with: Cursor,
-- a bare Co-Authored-By: Devin).
identities as (

    select
        *,
        lower({{ regexp_capture('trailer_value', '<\\s*([^<>\\s]+@[^<>\\s]+)\\s*>\\s*$', 1) }}) as trailer_email
    from split

),

final as (

    select
        {{ surrogate_key(['commit_oid', 'trailer_number']) }} as commit_trailer_id,
        commit_oid,
        cast(trailer_number as integer) as trailer_number,
        trailer_key,
        trailer_value,
        trailer_key || ': ' || trailer_value as trailer_text,
        case
            when trailer_email is not null
                then nullif(trim({{ regexp_capture('trailer_value', '^([^<]*)<', 1) }}), '')
            else trailer_value
        end as trailer_name,
        trailer_email,
        {{ noreply_email_login('trailer_email') }} as trailer_login
    from identities

)

select * from final
