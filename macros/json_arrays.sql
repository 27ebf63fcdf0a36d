{#
    JSON arrays inside a payload, DuckDB's way (list types and JSON paths with [*]); dispatched so that another
    adapter needs only its own variants. Paths are dotted, as in json_text().
#}

{#- The text of `field` in every element of the array at `array_path`, as varchar[] ([] when absent).
    Example: {{ json_text_array('payload', 'labels.nodes', 'name') }} -#}
{% macro json_text_array(column, array_path, field) -%}
    {{ return(adapter.dispatch('json_text_array', 'yardstick')(column, array_path, field)) }}
{%- endmacro %}

{% macro default__json_text_array(column, array_path, field) -%}
    coalesce(cast(json_extract_string({{ column }}, '$.{{ array_path }}[*].{{ field }}') as varchar[]), cast([] as varchar[]))
{%- endmacro %}

{#- The greatest (or least) text of `field` over the elements of the array at `array_path`, optionally only
    those whose `where_field` equals `where_value`; null when none. ISO-8601 timestamps in UTC with Z compare
    correctly as text.
    Example: {{ json_array_max_text('payload', 'timelineItems.nodes', 'createdAt', '__typename', 'ReadyForReviewEvent') }} -#}
{% macro json_array_max_text(column, array_path, field, where_field=none, where_value=none) -%}
    {{ return(adapter.dispatch('json_array_extreme_text', 'yardstick')(column, array_path, field, where_field, where_value, 'max')) }}
{%- endmacro %}

{% macro json_array_min_text(column, array_path, field, where_field=none, where_value=none) -%}
    {{ return(adapter.dispatch('json_array_extreme_text', 'yardstick')(column, array_path, field, where_field, where_value, 'min')) }}
{%- endmacro %}

{% macro default__json_array_extreme_text(column, array_path, field, where_field, where_value, extreme) -%}
    list_{{ extreme }}(list_transform(
        list_filter(
            coalesce(cast(json_extract({{ column }}, '$.{{ array_path }}[*]') as json[]), cast([] as json[])),
            item -> {% if where_field is none %}true{% else %}json_extract_string(item, '$.{{ where_field }}') = {{ dbt.string_literal(where_value) }}{% endif %}
        ),
        item -> json_extract_string(item, '$.{{ field }}')
    ))
{%- endmacro %}

{#- One output row per element of the array at `array_path` (a JSON value each), as a select-list expression:
    `select id, {{ unnest_json_array('payload', 'statuses.nodes') }} as status from …`. Rows whose array is
    empty or missing produce no rows. -#}
{% macro unnest_json_array(column, array_path) -%}
    {{ return(adapter.dispatch('unnest_json_array', 'yardstick')(column, array_path)) }}
{%- endmacro %}

{% macro default__unnest_json_array(column, array_path) -%}
    unnest(cast(json_extract({{ column }}, '$.{{ array_path }}[*]') as json[]))
{%- endmacro %}
