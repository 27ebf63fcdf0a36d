{#
    Generic test: fails with the rows where `<column> <expression>` (or, on a model, `<expression>`) is false.
    Rows where it is null pass, as with dbt_utils.expression_is_true (kept local: builds run offline).
    Example, on a column: data_tests: [{expression_is_true: {arguments: {expression: ">= 0"}}}]
#}
{% test expression_is_true(model, expression, column_name=None) %}
    select *
    from {{ model }}
    {% if column_name is none %}
    where not ({{ expression }})
    {% else %}
    where not ({{ column_name }} {{ expression }})
    {% endif %}
{% endtest %}
