{#
    The text at a dotted path inside a JSON column, or null when any step is missing or null.
    Dispatched so that another adapter (a shared warehouse) needs only its own variant.
    Example: {{ json_text('payload', 'author.login') }}
#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'yardstick')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    json_extract_string({{ column }}, '$.{{ path }}')
{%- endmacro %}
