{#
    Git trailers ("Key: value" lines such as `Co-authored-by: Claude <noreply@anthropic.com>`), DuckDB's way;
    dispatched so that another adapter needs only its own variant.
#}

{#- Select-list expressions giving one row per trailer line of `message`, with its 1-based position:
    `select commit_oid, {{ unnest_trailer_lines('message') }} from commits` adds `trailer_line` and
    `trailer_number`. A trailer line is a `Key: value` line (key of letters, digits and dashes) after the
    subject paragraph; lines in any later paragraph count, since tools often put a footer between trailers.
    A value starting with "/" is a URL's rest (`https://…`), not a trailer. -#}
{% macro unnest_trailer_lines(message) -%}
    {{ return(adapter.dispatch('unnest_trailer_lines', 'yardstick')(message)) }}
{%- endmacro %}

{% macro default__unnest_trailer_lines(message) -%}
    {%- set after_subject -%}
        case
            when strpos(replace({{ message }}, chr(13), ''), chr(10) || chr(10)) > 0
                then substr(
                    replace({{ message }}, chr(13), ''),
                    strpos(replace({{ message }}, chr(13), ''), chr(10) || chr(10))
                )
            else ''
        end
    {%- endset -%}
    {%- set lines = "regexp_extract_all(" ~ after_subject ~ ", '(?m)^[A-Za-z][A-Za-z0-9-]*:[ \\t]*[^\\s/].*$')" -%}
    unnest({{ lines }}) as trailer_line,
    unnest(generate_series(1, len({{ lines }}))) as trailer_number
{%- endmacro %}
