{# Hours from one timestamp to another as a double (null when either is null); negative when `to` is earlier. #}
{% macro hours_between(from_ts, to_ts) -%}
    cast({{ dbt.datediff(from_ts, to_ts, 'second') }} as double) / 3600
{%- endmacro %}
