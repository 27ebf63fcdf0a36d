{#
    Deduplication for staging: delivery is at-least-once, so a record can sit in several lake batches; keep,
    per key, the row of the latest extraction (`_extracted_at`), breaking ties by `tiebreak` (default: the later run).
    Example: latest as ({{ latest_extraction('source', ['deployment_id']) }})
#}
{% macro latest_extraction(relation, key_columns, tiebreak=['_run_id desc']) -%}
    select * from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by _extracted_at desc{% for column in tiebreak %}, {{ column }}{% endfor %}
            ) as extraction_rank
        from {{ relation }}
    ) as ranked
    where extraction_rank = 1
{%- endmacro %}
