{#
    Everything lands in the target schema (`main`), so readers write `select * from fct_pull_requests`.
    dbt's default would prefix a custom schema with the target's (`main_marts`); here a model that sets
    +schema gets exactly that schema instead.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
