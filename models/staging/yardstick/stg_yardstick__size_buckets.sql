with source as (

    select * from {{ source('yardstick', 'size_buckets') }}

),

renamed as (

    select
        cast(bucket as varchar) as bucket,
        cast(min_lines as integer) as min_lines,
        cast(max_lines as integer) as max_lines
    from source

)

select * from renamed
