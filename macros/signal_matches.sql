{#
    Whether a text matches a catalogue signal (a row aliased `signals`): the cheap substring check on the
    pattern's (lower-case) `required_text` first, the regular expression only where it can match, because DuckDB compiles a
    per-row pattern again for every row. Kept as CASE so the optimiser cannot run the regex first.
    Example: where {{ signal_matches('trailer_emails.trailer_email') }}; `multiline=true` lets ^ and $ match at
    every line (commit messages, bodies).
#}
{% macro signal_matches(text, multiline=false) -%}
    case
        when signals.required_text is null or strpos(lower({{ text }}), signals.required_text) > 0
            then {% if multiline %}{{ regexp_matches_multiline_ignoring_case(text, 'signals.pattern') }}{% else %}{{ regexp_matches_ignoring_case(text, 'signals.pattern') }}{% endif %}
        else false
    end
{%- endmacro %}
