{#
    A stable text key from several columns (like dbt_utils.generate_surrogate_key, kept local: builds run
    offline): the md5 of the values joined with '|', nulls written as an empty marker.
    Example: {{ surrogate_key(['repository', 'commit_oid', 'context', 'created_at']) }}
#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_null_')") -%}
        {%- if not loop.last -%}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
