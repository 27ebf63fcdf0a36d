{#
    Regular expressions held in data (metrics.yaml's AI signals), matched against multi-line text (commit
    messages, pull request bodies) without regard to case, with `^` and `$` matching at every line.
    DuckDB's way (RE2 flags); dispatched so that another adapter needs only its own variants.
#}

{#- Whether `expression` matches the pattern held in `pattern_expression` on any of its lines.
    Example: {{ regexp_matches_multiline_ignoring_case('body', 'signals.pattern') }} -#}
{% macro regexp_matches_multiline_ignoring_case(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_matches_multiline_ignoring_case', 'yardstick')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regexp_matches_multiline_ignoring_case(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, '(?m)' || {{ pattern_expression }}, 'i')
{%- endmacro %}

{#- The first text in `expression` that the pattern held in `pattern_expression` matches, as above;
    null when none. -#}
{% macro regexp_extract_multiline_ignoring_case(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_extract_multiline_ignoring_case', 'yardstick')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regexp_extract_multiline_ignoring_case(expression, pattern_expression) -%}
    nullif(regexp_extract({{ expression }}, '(?m)' || {{ pattern_expression }}, 0, 'i'), '')
{%- endmacro %}
