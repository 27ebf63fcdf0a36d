{#
    GitHub identities in the two spellings GitHub uses: GraphQL gives an App's bot account as `dependabot`
    of type Bot, REST and git as `dependabot[bot]` (`49699333+dependabot[bot]@users.noreply.github.com`).
    These macros bring both to one canonical key, so that a bot and a person who share a name stay apart
    (the person `claude` is not the App `claude[bot]`).
#}

{#- Whether an actor is a bot: GraphQL type Bot, or a login written with the "[bot]" suffix.
    Example: {{ login_is_bot('author_login', 'author_type') }} -#}
{% macro login_is_bot(login, actor_type='null') -%}
    (coalesce({{ actor_type }} = 'Bot', false) or coalesce(lower({{ login }}) like '%[bot]', false))
{%- endmacro %}

{#- The login without a "[bot]" suffix, in lower case: `Dependabot[bot]` → `dependabot`. -#}
{% macro login_name_key(login) -%}
    {{ dbt.replace('lower(' ~ login ~ ')', "'[bot]'", "''") }}
{%- endmacro %}

{#- The canonical key of an actor: lower case, "[bot]" on bots only (`dependabot[bot]`, `alice`).
    Example: {{ actor_key('author_login', 'author_type') }} -#}
{% macro actor_key(login, actor_type='null') -%}
    case
        when {{ login }} is null then null
        when {{ login_is_bot(login, actor_type) }} then {{ dbt.concat([login_name_key(login), "'[bot]'"]) }}
        else lower({{ login }})
    end
{%- endmacro %}

{#- The login in a GitHub no-reply e-mail (`<id>+<login>@users.noreply.github.com` or `<login>@…`),
    "[bot]" kept; null for any other e-mail.
    Example: {{ noreply_email_login('author_email') }} -#}
{% macro noreply_email_login(email) -%}
    {{ return(adapter.dispatch('noreply_email_login', 'yardstick')(email)) }}
{%- endmacro %}

{% macro default__noreply_email_login(email) -%}
    nullif(regexp_extract(lower({{ email }}), '^(?:[0-9]+\+)?([^@+]+)@users\.noreply\.github\.com$', 1), '')
{%- endmacro %}
