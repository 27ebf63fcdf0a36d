{#
    Generic test: fails with every combination of `columns` that more than one row shares (like
    dbt_utils.unique_combination_of_columns, kept local: builds run offline). Rows with a null in any of the
    columns are compared like any other value.
    Example: data_tests: [{unique_combination: {arguments: {columns: [repository, commit_oid]}}}]
#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as rows_sharing
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
