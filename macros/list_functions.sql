{#
    Lists of text (varchar[]), DuckDB's way; dispatched so that another adapter needs only its own variants.
#}

{#- Whether two lists of text share an element, ignoring case; false when either is empty.
    Example: {{ lists_overlap_ignoring_case('incidents.labels', 'definitions.incident_labels') }} -#}
{% macro lists_overlap_ignoring_case(left_list, right_list) -%}
    {{ return(adapter.dispatch('lists_overlap_ignoring_case', 'yardstick')(left_list, right_list)) }}
{%- endmacro %}

{% macro default__lists_overlap_ignoring_case(left_list, right_list) -%}
    coalesce(list_has_any(
        list_transform({{ left_list }}, item -> lower(item)),
        list_transform({{ right_list }}, item -> lower(item))
    ), false)
{%- endmacro %}
