{#
    A lake stream as a relation: `source(source_name, table_name)` when the stream has landed at least one
    Parquet batch, else an empty relation with the source's declared columns and types.

    A stream can have no files at all (an organisation without deployments, a lake written before the stream
    existed), and DuckDB's read_parquet fails on a glob that matches nothing; the build must not. The glob is
    the source's `meta.lake_glob` with `{name}` replaced by the table name, checked when the model runs.
    Unit tests always get their fixture (the relation dbt hands in).
    Example: with source as (select * from {{ lake_source('github', 'deployments') }})
#}
{% macro lake_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute or model.resource_type == 'unit_test' -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    {%- set pattern = (node.meta.lake_glob or node.source_meta.lake_glob or '') | replace('{name}', table_name) -%}
    {%- if pattern == '' -%}
        {{- exceptions.raise_compiler_error(
            "source " ~ source_name ~ "." ~ table_name ~ " has no meta.lake_glob for lake_source()") -}}
    {%- endif -%}
    {%- if lake_files_exist(pattern) -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- if not column.data_type -%}
            {{- exceptions.raise_compiler_error(
                "source " ~ source_name ~ "." ~ table_name ~ " column " ~ column.name
                ~ " needs a data_type for lake_source() to stand in for a stream without files") -}}
        {%- endif -%}
        {%- do columns.append('cast(null as ' ~ column.data_type ~ ') as ' ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{- return('(select ' ~ columns | join(', ') ~ ' where 1 = 0)') -}}
{%- endmacro %}

{#- Whether any file matches a glob pattern (DuckDB's glob() returns no rows, not an error, for none). -#}
{% macro lake_files_exist(pattern) -%}
    {{ return(adapter.dispatch('lake_files_exist', 'yardstick')(pattern)) }}
{%- endmacro %}

{% macro default__lake_files_exist(pattern) -%}
    {%- set result = run_query("select count(*) as n from glob(" ~ dbt.string_literal(pattern) ~ ")") -%}
    {{- return(result.columns[0].values()[0] > 0) -}}
{%- endmacro %}
