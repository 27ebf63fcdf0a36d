{#
    An ISO-8601 string ("2024-03-01T10:00:00Z" or with an offset) as a UTC `timestamp` without time zone.
    A plain cast to timestamp would drop a non-Z offset instead of applying it.
#}
{% macro utc_timestamp(expression) -%}
    cast((cast({{ expression }} as timestamp with time zone) at time zone 'UTC') as timestamp)
{%- endmacro %}
