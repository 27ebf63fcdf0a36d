{#
    Generic test: fails unless the model has exactly one row (a settings table read with a cross join, where
    none would empty every result and two would double it).
    Example, on a model: data_tests: [exactly_one_row]
#}
{% test exactly_one_row(model) %}
    select count(*) as row_count
    from {{ model }}
    having count(*) <> 1
{% endtest %}
