{#
    Every repository the lake knows, keyed by its lower-cased name, with the spelling GitHub gives it: a
    name written by hand elsewhere (an import file, yardstick.yaml) joins on `repository_key` and takes
    `repository`, so that its commit history, pull requests and incidents meet GitHub's.
    Example: `github_repositories as ({{ github_repository_spellings() }})`, then
    `left join github_repositories on lower(x.repository) = github_repositories.repository_key`.
#}
{% macro github_repository_spellings() %}
    select lower(repository) as repository_key, min(repository) as repository
    from {{ ref('stg_github__repositories') }}
    group by lower(repository)
{% endmacro %}
