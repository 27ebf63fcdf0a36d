{#
    Regular expressions, DuckDB's way (RE2 syntax); dispatched so that another adapter needs only its own
    variants. Patterns are SQL string literals built from Jinja strings, never from data.
#}

{#- The text of capture group `group` of the first match of `pattern` in `expression`, or null when it does
    not match. `(?i)` at the start of the pattern makes it case-insensitive.
    Example: {{ regexp_capture('body', '(?i)this reverts commit ([0-9a-f]{40})', 1) }} -#}
{% macro regexp_capture(expression, pattern, group=1) -%}
    {{ return(adapter.dispatch('regexp_capture', 'yardstick')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_capture(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, {{ dbt.string_literal(pattern) }}, {{ group }}), '')
{%- endmacro %}

{#- Whether `expression` matches the regular expression held in `pattern_expression` (a column or any SQL
    expression, e.g. a definition from metrics.yaml), ignoring case. Null in, null out.
    Example: {{ regexp_matches_ignoring_case('environment', 'definitions.production_environment_pattern') }} -#}
{% macro regexp_matches_ignoring_case(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_matches_ignoring_case', 'yardstick')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regexp_matches_ignoring_case(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, {{ pattern_expression }}, 'i')
{%- endmacro %}
