{#
    Lists of text (varchar[]) built by aggregation, DuckDB's way; dispatched so that another adapter needs
    only its own variants (an array type, or a delimited string where there is none).
#}

{#- The distinct non-null values of `expression` in the group, sorted, as a list ([] when none).
    Example: {{ sorted_distinct_list('tool') }} -#}
{% macro sorted_distinct_list(expression) -%}
    {{ return(adapter.dispatch('sorted_distinct_list', 'yardstick')(expression)) }}
{%- endmacro %}

{% macro default__sorted_distinct_list(expression) -%}
    coalesce(list_sort(list_distinct(list({{ expression }}))), cast([] as varchar[]))
{%- endmacro %}

{#- A list of text as one string, elements joined by `separator`; null for an empty list. -#}
{% macro joined_list(list_expression, separator=',') -%}
    {{ return(adapter.dispatch('joined_list', 'yardstick')(list_expression, separator)) }}
{%- endmacro %}

{% macro default__joined_list(list_expression, separator) -%}
    nullif(array_to_string({{ list_expression }}, {{ dbt.string_literal(separator) }}), '')
{%- endmacro %}

{#- An empty list of text, typed. -#}
{% macro empty_text_list() -%}
    {{ return(adapter.dispatch('empty_text_list', 'yardstick')()) }}
{%- endmacro %}

{% macro default__empty_text_list() -%}
    cast([] as varchar[])
{%- endmacro %}
