{#
    Imported deployments in the shape of int_deployments, which takes them in beside GitHub's: the status the
    file gives is the outcome, production is what the production_environment_pattern of metrics.yaml matches,
    and the repository is spelled as GitHub spells it when the lake knows it under another case (a file may
    write ACME/API), so that commit history, pull requests and incidents join.
#}
with deployments as (

    select * from {{ ref('stg_files__deployments') }}

),

definitions as (

    select * from {{ ref('stg_yardstick__definitions') }}

),

github_repositories as (

    {{ github_repository_spellings() }}

),

final as (

    select
        deployments.deployment_id,
        coalesce(github_repositories.repository, deployments.repository) as repository,
        cast(null as bigint) as database_id,
        deployments.environment,
        coalesce(
            {{ regexp_matches_ignoring_case('deployments.environment', 'definitions.production_environment_pattern') }},
            false
        ) as is_production,
        deployments.commit_oid,
        deployments.ref_name,
        cast(null as varchar) as task,
        deployments.deployed_by as creator_login,
        cast(null as varchar) as creator_type,
        deployments.created_at,
        deployments.status as outcome,
        deployments.status = 'success' as is_success,
        deployments.status in ('failure', 'error') as is_failed,
        -- As for GitHub's: a finish is a success, a failure or an error; an inactive deployment has none.
        case when deployments.status in ('success', 'failure', 'error') then deployments.finished_at end as finished_at,
        cast(null as varchar) as latest_status_state,
        deployments.finished_at as last_status_at,
        deployments.url as log_url,
        deployments.extracted_at,
        'file' as source,
        deployments.external_id
    from deployments
    cross join definitions
    left join github_repositories
        on lower(deployments.repository) = github_repositories.repository_key

)

select * from final
